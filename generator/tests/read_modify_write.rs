//! Read-modify-write through the generated client loses nothing: a `User`
//! as a live server sends it (written here, not a documentation sample,
//! with fields no page documents and the date forms the server really
//! uses) decodes, encodes back to the same JSON, and goes back to the
//! server unchanged when saved.

use superoffice_webapi::{types, Client};

const LIVE_USER: &str = include_str!("fixtures/live_user.json");

fn live_user() -> serde_json::Value {
    serde_json::from_str(LIVE_USER).expect("the fixture is JSON")
}

#[test]
fn a_live_user_decodes_and_encodes_back_unchanged() {
    let user: types::User = serde_json::from_str(LIVE_USER).expect("decodes");
    assert_eq!(user.associate_id, Some(155));
    assert_eq!(user.other_fields["IsSuperUser"], serde_json::json!(true));
    assert_eq!(
        user.other_fields["UserPlan"],
        serde_json::json!("Enterprise")
    );
    assert!(user
        .lastlogout
        .as_ref()
        .is_some_and(|d| d.is_empty_marker()));
    let back = serde_json::to_value(&user).expect("encodes");
    // A documented field that was `null` is `None` and not sent; everything
    // else is there as read.
    assert_same(&back, &live_user());
}

#[tokio::test]
async fn saving_what_was_read_sends_every_value_back() {
    let server = wiremock::MockServer::start().await;
    // The first save answers with the live user, the second must send it back.
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .and(wiremock::matchers::path("/api/v1/Agents/User/SaveUser"))
        .respond_with(
            wiremock::ResponseTemplate::new(200)
                .set_body_raw(LIVE_USER, "application/json; charset=utf-8"),
        )
        .mount(&server)
        .await;
    let client = Client::builder(server.uri())
        .basic("tje0", "Tje0")
        .build()
        .expect("client");
    let read = client
        .user_agent()
        .save_user(&types::User::default())
        .await
        .expect("the first save answers with the user");
    let mut changed = read.clone();
    changed.tooltip = Some("On leave".into());
    client
        .user_agent()
        .save_user(&changed)
        .await
        .expect("the second save");
    let requests = server.received_requests().await.expect("recorded");
    let sent: serde_json::Value =
        serde_json::from_slice(&requests[1].body).expect("the request body is JSON");
    let mut expected = live_user();
    expected["Tooltip"] = serde_json::json!("On leave");
    assert_same(&sent, &expected);
}

#[test]
fn an_undocumented_field_in_a_response_is_kept() {
    let status: types::UserPresenceStatus = serde_json::from_str(
        r#"{"AssociateId": 7, "Since": "2024-03-04T08:15:00", "Status": "Available"}"#,
    )
    .expect("decodes");
    let back = serde_json::to_value(&status).expect("encodes");
    assert_eq!(back["Since"], serde_json::json!("2024-03-04T08:15:00"));
}

/// Equal JSON, a `null` counting as absent.
fn assert_same(got: &serde_json::Value, want: &serde_json::Value) {
    assert!(
        superoffice_webapi::runtime::testing::json_eq(got, want),
        "sent:\n{got:#}\nread:\n{want:#}"
    );
}
