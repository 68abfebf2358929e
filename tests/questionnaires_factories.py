"""Test helpers for questionnaires: a family in a group whose "before" window is open."""

from pairs_group.db import db
from pairs_group.questionnaires import answering, instruments, scoring
from pairs_group.questionnaires.models import Timepoint
from tests import account_factories, factories


def family(language="en", **group_details):
    """(parent, enrolment) in a new group starting next week: PRFQ "pre" is open now."""
    return account_factories.family_in_group(language=language, **group_details)


def grant_link(client, parent):
    """As if she had followed the text's link: the account feature leaves this grant."""
    with client.session_transaction() as session:
        session["link_grant"] = {"parent": parent.id, "purpose": "questionnaire", "claims": {},
                                 "version": parent.session_version}


def base(enrolment, instrument="prfq", timepoint="pre"):
    return f"/questionnaires/{enrolment.dyad_id}/{instrument}/{timepoint}"


def questionnaire(enrolment, instrument="prfq", timepoint="pre"):
    """The URL arguments of her questionnaire's pages (questionnaires.about, .section)."""
    return {"dyad_id": enrolment.dyad_id, "instrument_id": instrument, "timepoint": timepoint}


def submitted_prfq(enrolment, answers, timepoint="pre"):
    """A submitted PRFQ with these answers, made through the services."""
    prfq = instruments.get("prfq")
    response = answering.start_response(enrolment.dyad, prfq, Timepoint(timepoint))
    answering.save_answers(response, answers)
    db.session.flush()
    db.session.expire(response, ["answers"])
    scoring.submit(response)
    db.session.commit()
    return response


def make_staff_for(group, role="facilitator"):
    staff = factories.make_staff(role=role)
    if role == "facilitator":
        group.facilitators.append(staff)
    db.session.commit()
    return staff
