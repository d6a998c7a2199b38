//! The system user against a local login service: the signed system token
//! checked by the mock, the ticket on every call with `SO-AppToken`, a new
//! ticket after a `401` (once for concurrent calls), refused tokens, and
//! SuperOffice's refusals named without a secret.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use jsonwebtoken::Algorithm;
use serde_json::json;
use superoffice_runtime::call::Body;
use superoffice_runtime::system_user::SystemUser;
use superoffice_runtime::{Call, Client, Endpoint, Environment, Error, SignInStep};
use wiremock::matchers::{header, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use super::login_mock::{self as mock, Asked, CLAIM};

fn user(server: &MockServer, key: &str) -> SystemUser {
    SystemUser::new(
        Environment::Custom(server.uri()),
        mock::TENANT,
        mock::CLIENT_SECRET,
        key,
        mock::SYSTEM_TOKEN,
    )
    .expect("system user")
}

fn call(client: &Client) -> Call<()> {
    Call::empty(
        client,
        Endpoint::new(reqwest::Method::GET, "v1X_Get", "/api/v1/x"),
        "/api/v1/x".into(),
        Body::None,
    )
}

/// A login service, and an API that accepts `ticket` and the app token.
async fn service(ticket: &str) -> (MockServer, Arc<Asked>) {
    let server = MockServer::start().await;
    let asked = Arc::new(Asked::default());
    mock::mount_keys(&server, &asked).await;
    mock::mount_system_user(&server, &asked, |_, _| None).await;
    Mock::given(path(format!("/{}/api/v1/x", mock::TENANT)))
        .and(header(
            "authorization",
            format!("SOTicket {ticket}").as_str(),
        ))
        .and(header("so-apptoken", mock::CLIENT_SECRET))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(path(format!("/{}/api/v1/x", mock::TENANT)))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    (server, asked)
}

fn sent_authorizations(requests: &[Request]) -> Vec<String> {
    requests
        .iter()
        .filter(|r| r.url.path().ends_with("/api/v1/x"))
        .map(|r| {
            r.headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

#[tokio::test]
async fn signs_in_and_calls_with_the_ticket_and_the_app_token() {
    for key in [
        mock::PARTNER_KEY_PEM,
        mock::PARTNER_KEY_PKCS8,
        mock::PARTNER_KEY_XML,
    ] {
        let (server, asked) = service("7T:secret-ticket-1").await;
        let user = user(&server, key);
        // The client is built at the tenant's webapi_url from the token.
        let client = user
            .client()
            .await
            .expect("signed in")
            .build()
            .expect("client");
        assert_eq!(
            client.url("/api/v1/x").as_deref(),
            Some(format!("{}/{}/api/v1/x", server.uri(), mock::TENANT).as_str())
        );
        call(&client).await.expect("called with the ticket");
        call(&client).await.expect("and again");
        // One sign-in for the client and both calls.
        assert_eq!(asked.tickets.load(Ordering::SeqCst), 1);
        let claims = user.sign_in().await.expect("signs in again");
        assert_eq!(claims.tenant.as_deref(), Some(mock::TENANT));
        assert_eq!(claims.ticket(), Some("7T:secret-ticket-2"));
    }
}

#[tokio::test]
async fn a_401_gets_one_new_ticket_for_concurrent_calls() {
    // The API accepts only the second ticket.
    let (server, asked) = service("7T:secret-ticket-2").await;
    let user = user(&server, mock::PARTNER_KEY_PEM);
    let client = user
        .configure(Client::builder(format!(
            "{}/{}/api",
            server.uri(),
            mock::TENANT
        )))
        .build()
        .expect("client");
    let calls = (0..8).map(|_| call(&client).send());
    for outcome in futures_util::future::join_all(calls).await {
        outcome.expect("each call succeeds with the new ticket");
    }
    assert_eq!(
        asked.tickets.load(Ordering::SeqCst),
        2,
        "one first ticket, one renewal"
    );
    let sent = sent_authorizations(&server.received_requests().await.unwrap_or_default());
    assert_eq!(
        sent.iter()
            .filter(|a| *a == "SOTicket 7T:secret-ticket-2")
            .count(),
        8
    );
}

#[tokio::test]
async fn works_with_a_tenant_that_is_looked_up() {
    let (server, _asked) = service("7T:secret-ticket-1").await;
    Mock::given(path(format!("/api/state/{}", mock::TENANT)))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "ContextIdentifier": mock::TENANT,
            "Endpoint": format!("{}/{}", server.uri(), mock::TENANT),
            "State": "Running",
            "IsRunning": true,
        })))
        .mount(&server)
        .await;
    let user = user(&server, mock::PARTNER_KEY_PEM);
    let client = user
        .configure(Client::tenant(
            Environment::Custom(server.uri()),
            mock::TENANT,
        ))
        .build()
        .expect("client");
    call(&client).await.expect("called at the tenant's place");
}

/// A system user whose login service answers with `token` (the `n`th).
async fn answering(
    token: impl Fn(&str, u32) -> Option<String> + Send + Sync + 'static,
) -> (MockServer, SystemUser) {
    let server = MockServer::start().await;
    let asked = Arc::new(Asked::default());
    mock::mount_keys(&server, &asked).await;
    mock::mount_system_user(&server, &asked, token).await;
    let u = user(&server, mock::PARTNER_KEY_PEM);
    (server, u)
}

fn ticket_claims(base: &str, extra: serde_json::Value) -> serde_json::Value {
    let mut c = json!({
        "iss": base,
        "exp": mock::now() + 3600,
        format!("{CLAIM}ticket"): "7T:secret-ticket-x",
        format!("{CLAIM}webapi_url"): format!("{base}/{}/api/", mock::TENANT),
    });
    if let (serde_json::Value::Object(c), serde_json::Value::Object(e)) = (&mut c, extra) {
        c.extend(e);
    }
    c
}

#[tokio::test]
async fn tokens_that_do_not_validate_are_refused() {
    type Forge = fn(&str) -> String;
    let cases: [(&str, Forge); 7] = [
        ("expired", |b| {
            mock::signed(&ticket_claims(b, json!({"exp": mock::now() - 3600})))
        }),
        ("not valid yet", |b| {
            mock::signed(&ticket_claims(b, json!({"nbf": mock::now() + 3600})))
        }),
        ("alg none", |b| mock::unsigned(&ticket_claims(b, json!({})))),
        ("HS256", |b| {
            mock::signed_with(
                &ticket_claims(b, json!({})),
                Algorithm::HS256,
                Some(mock::KID),
            )
        }),
        ("unknown key", |b| {
            mock::signed_with(
                &ticket_claims(b, json!({})),
                Algorithm::RS256,
                Some("another-key"),
            )
        }),
        ("another issuer", |b| {
            mock::signed(&ticket_claims(b, json!({"iss": "https://evil.example"})))
        }),
        ("tampered", |b| {
            let t = mock::signed(&ticket_claims(b, json!({})));
            let mut parts: Vec<String> = t.split('.').map(str::to_string).collect();
            parts[1] = mock::unsigned(&ticket_claims(b, json!({"exp": mock::now() + 999_999})))
                .split('.')
                .nth(1)
                .unwrap_or_default()
                .to_string();
            parts.join(".")
        }),
    ];
    for (what, forge) in cases {
        let (_server, user) = answering(move |base, _| Some(forge(base))).await;
        let err = user.sign_in().await.expect_err(what);
        let Error::SignIn(e) = &err else {
            panic!("{what}: {err:?}")
        };
        assert_eq!(e.step, SignInStep::Token, "{what}: {err}");
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("secret"), "{what}: {shown}");
    }
}

#[tokio::test]
async fn a_wrong_clock_is_named_and_refusals_carry_superoffice_s_message() {
    let server = MockServer::start().await;
    let asked = Arc::new(Asked::default());
    mock::mount_keys(&server, &asked).await;
    Mock::given(path("/Login/api/PartnerSystemUser/Authenticate"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "IsSuccessful": false, "Token": null, "ErrorMessage": "InvalidTimestamp"
        })))
        .mount(&server)
        .await;
    let err = user(&server, mock::PARTNER_KEY_PEM)
        .sign_in()
        .await
        .expect_err("clock");
    let Error::SignIn(e) = &err else {
        panic!("{err:?}")
    };
    assert!(e.is_invalid_timestamp());
    assert!(err.to_string().contains("clock"), "{err}");

    // Through a client: the credentials error names the step and the message.
    let (server, _) = answering(|_, _| None).await;
    let wrong_secret = SystemUser::new(
        Environment::Custom(server.uri()),
        mock::TENANT,
        "secret-wrong",
        mock::PARTNER_KEY_PEM,
        mock::SYSTEM_TOKEN,
    )
    .expect("user");
    let client = wrong_secret
        .configure(Client::builder(format!(
            "{}/{}/api",
            server.uri(),
            mock::TENANT
        )))
        .build()
        .expect("client");
    let err = call(&client).await.expect_err("refused");
    assert!(matches!(err, Error::Credentials(_)), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("signing in as the system user") && text.contains("Unknown application"),
        "{text}"
    );
    assert!(
        !format!("{text} {err:?} {client:?}").contains("secret"),
        "{text}"
    );
}

#[test]
fn keys_that_do_not_read_fail_when_the_source_is_built() {
    for (key, says) in [
        (mock::PARTNER_PUBLIC, "public key"),
        ("not a key", "expected the app's RSA private key"),
        (
            "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----",
            "PEM",
        ),
        (
            "<RSAKeyValue><Modulus>AQAB</Modulus><Exponent>AQAB</Exponent></RSAKeyValue>",
            "no <D>",
        ),
    ] {
        let err = SystemUser::new(
            Environment::Online,
            mock::TENANT,
            "secret-app",
            key,
            "secret-token",
        )
        .expect_err(key);
        let text = err.to_string();
        assert!(text.contains(says), "{text}");
        assert!(text.contains("RSA XML"), "names the formats: {text}");
        assert!(matches!(err, Error::SignIn(ref e) if e.step == SignInStep::Key));
    }
}

#[test]
fn debug_shows_no_secret() {
    let u = SystemUser::new(
        Environment::Online,
        mock::TENANT,
        "secret-app",
        mock::PARTNER_KEY_XML,
        "secret-system-token",
    )
    .expect("user");
    let shown = format!("{u:?}");
    for secret in ["secret-app", "secret-system-token", "Modulus", "MII"] {
        assert!(!shown.contains(secret), "{shown}");
    }
}

#[tokio::test]
async fn keys_are_kept_and_fetched_again_for_a_key_they_lack() {
    // The first key set lacks the signing key (it was rotated in since).
    let server = MockServer::start().await;
    let asked = Arc::new(Asked::default());
    let fetched = Arc::new(std::sync::atomic::AtomicU32::new(0));
    let f = Arc::clone(&fetched);
    let real: serde_json::Value =
        serde_json::from_str(include_str!("../fixtures/superoffice-login.jwks.json"))
            .expect("jwks");
    let mut old = real.clone();
    old["keys"][0]["kid"] = json!("retired-key");
    let base = server.uri();
    Mock::given(path("/login/.well-known/openid-configuration"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "issuer": base, "jwks_uri": format!("{base}/login/.well-known/jwks"),
        })))
        .mount(&server)
        .await;
    Mock::given(path("/login/.well-known/jwks"))
        .respond_with(move |_: &Request| {
            let n = f.fetch_add(1, Ordering::SeqCst);
            ResponseTemplate::new(200).set_body_json(if n == 0 { &old } else { &real })
        })
        .mount(&server)
        .await;
    mock::mount_system_user(&server, &asked, |_, _| None).await;
    let user = user(&server, mock::PARTNER_KEY_PEM);
    user.sign_in()
        .await
        .expect("the key is found in the set fetched again");
    assert_eq!(fetched.load(Ordering::SeqCst), 2);
    user.sign_in().await.expect("and kept");
    user.sign_in().await.expect("and kept");
    assert_eq!(fetched.load(Ordering::SeqCst), 2, "the set is kept");
}

/// A login service publishing `set` as its keys (counting the fetches),
/// and a system user signing in against it.
async fn publishing(
    set: serde_json::Value,
) -> (MockServer, SystemUser, Arc<std::sync::atomic::AtomicU32>) {
    let server = MockServer::start().await;
    let asked = Arc::new(Asked::default());
    let fetched = Arc::new(std::sync::atomic::AtomicU32::new(0));
    let f = Arc::clone(&fetched);
    let base = server.uri();
    Mock::given(path("/login/.well-known/openid-configuration"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "issuer": base, "jwks_uri": format!("{base}/login/.well-known/jwks"),
        })))
        .mount(&server)
        .await;
    Mock::given(path("/login/.well-known/jwks"))
        .respond_with(move |_: &Request| {
            f.fetch_add(1, Ordering::SeqCst);
            ResponseTemplate::new(200).set_body_json(&set)
        })
        .mount(&server)
        .await;
    mock::mount_system_user(&server, &asked, |_, _| None).await;
    let user = user(&server, mock::PARTNER_KEY_PEM);
    (server, user, fetched)
}

fn login_keys() -> serde_json::Value {
    serde_json::from_str(include_str!("../fixtures/superoffice-login.jwks.json")).expect("jwks")
}

#[tokio::test]
async fn an_unknown_key_fetches_the_set_again_at_most_every_so_often() {
    // The set never has the key the tokens name.
    let mut set = login_keys();
    set["keys"][0]["kid"] = json!("retired-key");
    let (_server, user, fetched) = publishing(set).await;
    for _ in 0..3 {
        let err = user.sign_in().await.expect_err("no such key");
        let Error::SignIn(e) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(e.step, SignInStep::Token, "{err}");
    }
    // The first sign-in fetched it, and again for the key it lacked; the
    // others, within KEYS_REFETCH_AFTER, fetched nothing.
    assert_eq!(fetched.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_key_published_for_another_use_or_algorithm_is_not_a_signing_key() {
    for (what, field, value) in [
        ("encryption key", "use", "enc"),
        ("RS512 key", "alg", "RS512"),
    ] {
        let mut set = login_keys();
        set["keys"][0][field] = json!(value);
        let (_server, user, _) = publishing(set).await;
        let err = user.sign_in().await.expect_err(what);
        let Error::SignIn(e) = &err else {
            panic!("{what}: {err:?}")
        };
        assert_eq!(e.step, SignInStep::Token, "{what}: {err}");
        assert!(
            err.to_string().contains("does not publish"),
            "{what}: {err}"
        );
    }
    let (_server, user, _) = publishing(login_keys()).await;
    user.sign_in()
        .await
        .expect("the same key as a signing key is accepted");
}
