"""The staff sign-ins a newcomer is given (printed by `flask demo`, listed in the README) work
through the real sign-in page: the form with its CSRF token, the password, then the
authenticator code for the admin. `users create` refuses an address that page would refuse."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pyotp
import pytest

from pairs_group.auth.models import StaffUser
from tests.conftest import count_rows
from tests.pages import get_page, post_form, url

README = Path(__file__).resolve().parent.parent / "README.md"
PRINTED_ACCOUNT = re.compile(r"^\s+(admin|facilitator|evaluator)\s+(\S+@\S+)\s+password: (\S+)$")
PRINTED_KEY = re.compile(r"^\s+authenticator key: ([A-Z2-7]+)$")


def readme_sign_ins():
    """(role, email, password) from the README's table of demo sign-ins."""
    rows, text = [], README.read_text()
    table = text.split("| role | email | password |", 1)[1].split("\n\n", 1)[0]
    for line in table.strip().splitlines()[1:]:
        role, email, password = (cell.strip() for cell in line.strip("|").split("|"))
        rows.append((role, email, password))
    return rows


def printed_sign_ins(output):
    """(role, email, password, authenticator key or None) as `flask demo` prints them."""
    found = []
    for line in output.splitlines():
        if match := PRINTED_ACCOUNT.match(line):
            found.append([*match.groups(), None])
        elif (match := PRINTED_KEY.match(line)) and found:
            found[-1][3] = match.group(1)
    return [tuple(row) for row in found]


def run(app, *args):
    """A command as `flask --app wsgi ...` runs it: in its own app context."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def csrf_token(page):
    """The token in the page's form, as the browser would send it."""
    return page.field_value("csrf_token")


def sign_in_through_the_form(client, email, password, code_for):
    """Fill in the staff sign-in page as a person would; returns the page she lands on."""
    token = csrf_token(get_page(client, "auth.sign_in"))
    response = post_form(client, "auth.sign_in", {
        "csrf_token": token, "email": email, "password": password})
    assert response.status_code == 302, (email, response.get_data(as_text=True)[:2000])
    if urlsplit(response.headers["Location"]).path == url(client, "auth.sign_in_code"):
        token = csrf_token(get_page(client, "auth.sign_in_code"))
        response = post_form(client, "auth.sign_in_code", {
            "csrf_token": token, "code": code_for(email)})
        assert response.status_code == 302, (email, response.get_data(as_text=True)[:2000])
    return get_page(client, urlsplit(response.headers["Location"]).path)


def signed_in(client, page):
    """What her landing page's sign-out button says (the staff header's sign-out form)."""
    return page.text_of(f'form[action="{url(client, "auth.sign_out")}"] button')


@pytest.fixture
def demo_app(make_app):
    """CSRF on, and no app context held open: each request gets its own, as in a browser
    (one held open would keep Flask-WTF's token in `g` from one request to the next)."""
    return make_app(WTF_CSRF_ENABLED=True)


def test_every_sign_in_the_demo_prints_works_through_the_sign_in_page(demo_app):
    output = run(demo_app, "demo")
    assert output.exit_code == 0, output.output
    printed = printed_sign_ins(output.output)
    assert {role for role, *_ in printed} == {"admin", "facilitator", "evaluator"}
    keys = {email: key for _role, email, _password, key in printed}
    assert keys[next(e for r, e, *_ in printed if r == "admin")], "the admin's key is printed"
    for _role, email, password, _key in printed:
        client = demo_app.test_client()
        page = sign_in_through_the_form(client, email, password,
                                        lambda e: pyotp.TOTP(keys[e]).now())
        assert signed_in(client, page) == "Sign out"


def test_every_sign_in_in_the_readme_works_through_the_sign_in_page(demo_app):
    assert run(demo_app, "demo").exit_code == 0
    rows = readme_sign_ins()
    assert {role for role, *_ in rows} == {"admin", "facilitator", "evaluator"}

    def code_from_the_command(email):
        result = run(demo_app, "users", "totp-code", email)
        assert result.exit_code == 0, result.output
        return result.output.strip()

    for _role, email, password in rows:
        client = demo_app.test_client()
        page = sign_in_through_the_form(client, email, password,
                                        code_from_the_command)
        assert signed_in(client, page) == "Sign out"


@pytest.mark.parametrize("email", ["not-an-email", "someone@pairs.test", "a@b", "@nhs.net"])
def test_users_create_refuses_an_address_the_sign_in_page_refuses(runner, email):
    result = runner.invoke(args=["users", "create", "--email", email, "--role", "facilitator",
                                 "--password-stdin"], input="a long enough password for staff\n")
    assert result.exit_code == 1
    assert "is not an email address the sign-in page accepts" in result.output
    assert "Traceback" not in result.output
    assert count_rows(StaffUser) == 0


def test_an_account_users_create_makes_can_sign_in_through_the_form(demo_app):
    with demo_app.app_context():
        result = demo_app.test_cli_runner().invoke(
            args=["users", "create", "--email", "New.Person@Example.NHS.uk",
                  "--role", "facilitator", "--password-stdin"],
            input="a long enough password for staff\n")
    assert result.exit_code == 0, result.output
    client = demo_app.test_client()
    page = sign_in_through_the_form(client, "new.person@example.nhs.uk",
                                    "a long enough password for staff", None)
    assert signed_in(client, page) == "Sign out"
