def test_login_page_is_chinese_by_default(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"


def test_demo_users_fixture(users, client_for):
    response = client_for(users["street_a"]).get("/")
    assert response.status_code == 200
    assert "广东路街道" in response.content.decode()


def test_health_check_needs_no_login(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_javascript_catalog_and_static_assets_are_served(client, db):
    assert client.get("/jsi18n/").status_code == 200
    for url in ("/static/bootstrap/css/bootstrap.min.css", "/static/css/app.css", "/static/js/app.js"):
        response = client.get(url)
        assert response.status_code == 200, url
        if hasattr(response, "streaming_content"):
            assert b"".join(response.streaming_content)
