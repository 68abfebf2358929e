from pairs_group import create_app
from tests.pages import url


def test_health_is_ok_when_the_database_answers(client):
    response = client.get(url(client, "health.healthz"))
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "redis": "not used"}


def test_health_is_503_when_the_database_does_not_answer():
    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "DATABASE_URL": "postgresql://nobody@127.0.0.1:9/none"})
    client = app.test_client()
    response = client.get(url(client, "health.healthz"))
    assert response.status_code == 503
    assert response.json["status"] != "ok"


def test_a_page_needing_the_database_gives_a_friendly_503_when_it_is_down():
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "WTF_CSRF_ENABLED": False,
                      "DATABASE_URL": "postgresql://nobody@127.0.0.1:9/none"})
    client = app.test_client()
    response = client.post(url(client, "auth.sign_in"),
                           data={"email": "a@b.nhs.uk", "password": "x" * 12},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 503
    assert "Please try again" in response.get_data(as_text=True)
