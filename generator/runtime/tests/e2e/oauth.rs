//! OAuth against a local login service: the code exchange with PKCE, the
//! id_token checked and its claims typed, a client at the tenant's
//! webapi_url, refresh on `401` and before the token runs out (keeping the
//! refresh token, telling the caller), refused id_tokens.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::json;
use superoffice_runtime::call::Body;
use superoffice_runtime::oauth::{OAuth, Tokens};
use superoffice_runtime::{Call, Client, Endpoint, Environment, Error, SignInStep};
use wiremock::matchers::{header, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::login_mock::{self as mock, Asked, CLAIM};

fn app(server: &MockServer) -> OAuth {
    OAuth::new(
        Environment::Custom(server.uri()),
        mock::CLIENT_ID,
        mock::CLIENT_SECRET,
        mock::REDIRECT_URI,
    )
    .expect("app")
}

/// The `code_challenge` of an authorize URL.
fn challenge_of(url: &str) -> Option<String> {
    let url = reqwest::Url::parse(url).ok()?;
    url.query_pairs()
        .find(|(k, _)| k == "code_challenge")
        .map(|(_, v)| v.into_owned())
}

fn call(client: &Client) -> Call<()> {
    Call::empty(
        client,
        Endpoint::new(reqwest::Method::GET, "v1X_Get", "/api/v1/x"),
        "/api/v1/x".into(),
        Body::None,
    )
}

/// A login service whose access tokens last `expires_in` seconds, and an
/// API that accepts `Bearer {accepted}`.
async fn service(expires_in: u64, accepted: &str) -> (MockServer, Arc<Asked>) {
    let server = MockServer::start().await;
    let asked = Arc::new(Asked::default());
    mock::mount_keys(&server, &asked).await;
    mock::mount_tokens(&server, &asked, expires_in).await;
    Mock::given(path(format!("/{}/api/v1/x", mock::TENANT)))
        .and(header(
            "authorization",
            format!("Bearer {accepted}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(path(format!("/{}/api/v1/x", mock::TENANT)))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    (server, asked)
}

#[tokio::test]
async fn the_code_exchange_checks_the_id_token_and_types_its_claims() {
    let (server, asked) = service(3600, "secret-access-1").await;
    let app = app(&server);
    let start = app.authorize(Some(mock::TENANT)).expect("authorize url");
    assert!(start
        .url
        .starts_with(&format!("{}/login/common/oauth/authorize?", server.uri())));
    start.check_state(&start.state).expect("our state");
    let url = reqwest::Url::parse(&start.url).expect("url");
    let query = |k: &str| {
        url.query_pairs()
            .find(|(name, _)| name == k)
            .map(|(_, v)| v.into_owned())
    };
    assert_eq!(query("redirect_uri").as_deref(), Some(mock::REDIRECT_URI));
    assert_eq!(query("code_challenge_method").as_deref(), Some("S256"));
    *asked.challenge.lock().expect("lock") = challenge_of(&start.url);
    // A verifier that is not the challenge's is refused by the service.
    let other = app.authorize(None).expect("another start");
    let err = app
        .exchange("good-code", other.code_verifier())
        .await
        .expect_err("another verifier");
    assert!(
        err.to_string().contains("PKCE verification failed"),
        "{err}"
    );
    let signed_in = app
        .exchange("good-code", start.code_verifier())
        .await
        .expect("signed in");
    let c = &signed_in.claims;
    assert_eq!(c.tenant.as_deref(), Some(mock::TENANT));
    assert_eq!(c.subject.as_deref(), Some("jdoe@example.com"));
    assert_eq!(c.system_token(), Some(mock::SYSTEM_TOKEN));
    assert_eq!(
        c.webapi_url.as_deref(),
        Some(format!("{}/{}/api/", server.uri(), mock::TENANT).as_str())
    );
    assert_eq!(signed_in.tokens.refresh_token(), Some("secret-refresh"));
    // A client at the tenant's webapi_url, with the tokens.
    let client = signed_in
        .client(&app)
        .expect("builder")
        .build()
        .expect("client");
    call(&client).await.expect("called with the access token");
    let shown = format!("{signed_in:?} {client:?} {app:?}");
    for secret in [
        "secret-access-1",
        "secret-refresh",
        mock::CLIENT_SECRET,
        mock::SYSTEM_TOKEN,
    ] {
        assert!(!shown.contains(secret), "{shown}");
    }

    let err = app
        .exchange("stale-code", start.code_verifier())
        .await
        .expect_err("refused");
    let Error::SignIn(e) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(e.step, SignInStep::CodeExchange);
    assert!(err.to_string().contains("The code has expired"), "{err}");
}

#[tokio::test]
async fn a_401_refreshes_once_keeps_the_refresh_token_and_tells_the_caller() {
    // The API refuses the first access token and accepts the refreshed one.
    let (server, asked) = service(3600, "secret-access-2").await;
    let app = app(&server);
    let kept: Arc<Mutex<Vec<Tokens>>> = Arc::default();
    let seen = Arc::clone(&kept);
    let tokens = Tokens::new("secret-access-1", Some("secret-refresh".into()), None);
    let credentials = app
        .credentials(tokens)
        .on_tokens(move |t| seen.lock().expect("lock").push(t.clone()));
    let client = Client::builder(format!("{}/{}/api", server.uri(), mock::TENANT))
        .credentials(credentials.clone())
        .build()
        .expect("client");
    let calls = (0..6).map(|_| call(&client).send());
    for outcome in futures_util::future::join_all(calls).await {
        outcome.expect("each call succeeds after the one refresh");
    }
    assert_eq!(asked.refreshes.load(Ordering::SeqCst), 1);
    let kept = kept.lock().expect("lock");
    assert_eq!(kept.len(), 1, "the caller heard of the new tokens once");
    assert_eq!(kept[0].access_token(), "secret-access-2");
    assert_eq!(
        kept[0].refresh_token(),
        Some("secret-refresh"),
        "kept: the answer had none"
    );
    assert_eq!(credentials.tokens().access_token(), "secret-access-2");
}

#[tokio::test]
async fn a_token_about_to_run_out_is_refreshed_before_it_is_sent() {
    // Access tokens that last 30 s: inside the minute before they run out.
    let (server, asked) = service(30, "secret-access-2").await;
    let app = app(&server);
    let start = app.authorize(None).expect("authorize");
    *asked.challenge.lock().expect("lock") = challenge_of(&start.url);
    let signed_in = app
        .exchange("good-code", start.code_verifier())
        .await
        .expect("signed in");
    let client = signed_in
        .client(&app)
        .expect("builder")
        .build()
        .expect("client");
    call(&client)
        .await
        .expect("refreshed first, then sent once");
    assert_eq!(asked.refreshes.load(Ordering::SeqCst), 1);
    let sent: Vec<String> = server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path().ends_with("/api/v1/x"))
        .filter_map(|r| {
            r.headers
                .get("authorization")?
                .to_str()
                .ok()
                .map(str::to_string)
        })
        .collect();
    assert_eq!(
        sent,
        ["Bearer secret-access-2"],
        "the expiring token was never sent"
    );
}

#[tokio::test]
async fn id_tokens_for_another_app_or_expired_are_refused() {
    let server = MockServer::start().await;
    let asked = Arc::new(Asked::default());
    mock::mount_keys(&server, &asked).await;
    let n = Arc::new(AtomicU32::new(0));
    let uri = server.uri();
    let bad = [
        json!({"aud": "another-app"}),
        json!({"exp": mock::now() - 3600}),
        json!({"iss": "https://evil.example"}),
    ];
    let answers: Vec<String> = bad
        .iter()
        .map(|extra| {
            let mut c = json!({
                "iss": uri, "aud": mock::CLIENT_ID, "exp": mock::now() + 3600,
                format!("{CLAIM}ctx"): mock::TENANT,
            });
            if let (serde_json::Value::Object(c), serde_json::Value::Object(e)) =
                (&mut c, extra.clone())
            {
                c.extend(e);
            }
            mock::signed(&c)
        })
        .collect();
    let count = Arc::clone(&n);
    Mock::given(path("/login/common/oauth/tokens"))
        .respond_with(move |_: &wiremock::Request| {
            let i = count.fetch_add(1, Ordering::SeqCst) as usize;
            ResponseTemplate::new(200).set_body_json(json!({
                "access_token": "secret-access", "expires_in": 3600,
                "refresh_token": "secret-refresh", "id_token": answers[i % answers.len()],
            }))
        })
        .mount(&server)
        .await;
    let app = app(&server);
    for what in ["another audience", "expired", "another issuer"] {
        let err = app
            .exchange("good-code", &"v".repeat(43))
            .await
            .expect_err(what);
        let Error::SignIn(e) = &err else {
            panic!("{what}: {err:?}")
        };
        assert_eq!(e.step, SignInStep::Token, "{what}: {err}");
        assert!(!format!("{err:?}").contains("secret"), "{what}");
    }
}
