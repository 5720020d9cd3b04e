def test_login_page_is_chinese_by_default(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"


def test_demo_users_fixture(users, client_for):
    response = client_for(users["street_a"]).get("/")
    assert response.status_code == 200
    assert "广东路街道" in response.content.decode()
