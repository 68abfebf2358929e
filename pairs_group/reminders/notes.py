"""How much of the note staff write when moving or cancelling a session fits in the texts that
tell parents: every parent's text must stay within its kind's segment budget, plus one segment
for the note."""

from pairs_group.reminders.service import enrolments_in
from pairs_group.reminders.texts import clean_note
from pairs_group.sms.messages import KINDS
from pairs_group.sms.segments import count_segments
from pairs_group.sms.service import render_with

# A change text in Polish or Arabic (UCS-2, 67 characters a segment) already fills most of two
# segments: within the kind's budget alone there would be no room for any note at all.
NOTE_SEGMENTS = 1


def readers(session):
    """(language, discreet) of everyone the change text may go to: the parents in the group
    now, and the group's languages for those who join before it goes."""
    parents = [e.dyad.parent for e in enrolments_in([session.group_id]).get(session.group_id, [])]
    found = {(p.language, bool(p.discreet_sms)) for p in parents}
    return found | {(code, False) for code in session.group.language_codes}


def note_room(session, *, change, note, starts_at, venue, **_extra):
    """Listener for groups.service.note_room_asked: None when the whole note fits every
    reader's text within budget, else how many of its characters would."""
    kind = KINDS.get(f"session_{change}")
    if kind is None:
        return None
    note = clean_note(note)
    context = {"starts_at": starts_at.isoformat(), "venue": venue.name}
    wanted = sorted(readers(session))
    limit = kind.budget + NOTE_SEGMENTS

    def fits(length):
        return all(count_segments(render_with(kind.name, language, {
            **context, "note": note[:length]}, discreet)).segments <= limit
            for language, discreet in wanted)

    if fits(len(note)):
        return None
    low, high = 0, len(note)  # fits(low) is assumed; high does not fit
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if fits(middle) else (low, middle)
    return low
