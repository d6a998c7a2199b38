//! Users sign in with OAuth 2.0 (the `oauth` feature): SuperOffice's
//! authorization code flow with PKCE, the code exchanged for tokens, the
//! `id_token` checked, and a [`Credentials`] source that refreshes the
//! access token before it runs out and after a `401`.
//!
//! ```ignore
//! let app = OAuth::new(Environment::Online, client_id, client_secret, "https://app.example/callback")?;
//! let start = app.authorize(Some("Cust12345"))?;   // redirect the user to start.url
//! // … the user comes back to the callback with `code` and `state` …
//! start.check_state(&state)?;
//! let signed_in = app.exchange(&code, start.code_verifier()).await?;
//! let client = signed_in.client(&app)?.build()?;    // at the tenant's webapi_url
//! ```
//!
//! The access token is opaque and lives an hour (`expires_in`); the answer
//! to a refresh carries no new refresh token, so the one given at sign-in
//! is kept. [`OAuthCredentials::on_tokens`] is called with every new set of
//! tokens, for the caller to keep them.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use aws_lc_rs::rand::SecureRandom;
use base64::Engine as _;

use super::client::{Client, ClientBuilder};
use super::credentials::{BoxError, BoxFuture, Credentials};
use super::environment::Environment;
use super::error::{Error, SignInError, SignInStep};
use super::login::{Claims, Login};

/// The authorize endpoint, on the environment's login host.
const AUTHORIZE: &str = "/login/common/oauth/authorize";
/// The token endpoint.
const TOKENS: &str = "/login/common/oauth/tokens";

/// How long before an access token runs out it is refreshed.
pub const REFRESH_AHEAD: Duration = Duration::from_secs(60);

/// A registered SuperOffice app that signs users in.
#[derive(Clone)]
pub struct OAuth {
    inner: Arc<App>,
}

struct App {
    login: Login,
    client_id: String,
    client_secret: String,
    redirect_uri: String,
}

impl std::fmt::Debug for OAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuth")
            .field("login", &self.inner.login)
            .field("client_id", &self.inner.client_id)
            .field("client_secret", &"***")
            .field("redirect_uri", &self.inner.redirect_uri)
            .finish()
    }
}

/// Where to send the user to sign in, and what to keep until they come
/// back: the `state` (to check the callback is the answer to this request)
/// and the PKCE code verifier (for the exchange).
#[derive(Clone)]
pub struct AuthorizeRequest {
    /// The authorize URL to redirect the user to.
    pub url: String,
    /// The `state` sent; the callback must bring it back.
    pub state: String,
    code_verifier: String,
}

impl std::fmt::Debug for AuthorizeRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthorizeRequest")
            .field("url", &self.url)
            .field("state", &self.state)
            .field("code_verifier", &"***")
            .finish()
    }
}

impl AuthorizeRequest {
    /// The PKCE code verifier the exchange sends (keep it with the state,
    /// server side).
    pub fn code_verifier(&self) -> &str {
        &self.code_verifier
    }

    /// Checks that a callback's `state` is this request's.
    pub fn check_state(&self, returned: &str) -> Result<(), Error> {
        if constant_time_eq(self.state.as_bytes(), returned.as_bytes()) {
            Ok(())
        } else {
            Err(Error::SignIn(SignInError::new(
                SignInStep::CodeExchange,
                "the callback's state is not the one sent (a forged or stale callback)",
            )))
        }
    }
}

/// An access token, the refresh token, and when the access token runs out.
/// `Debug` shows neither token.
#[derive(Clone, PartialEq, Eq)]
pub struct Tokens {
    access_token: String,
    refresh_token: Option<String>,
    expires_at: Option<SystemTime>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("access_token", &"***")
            .field("refresh_token", &self.refresh_token.as_ref().map(|_| "***"))
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

impl Tokens {
    /// Tokens kept from an earlier sign-in (`expires_at`: when the access
    /// token runs out, if known).
    pub fn new(
        access_token: impl Into<String>,
        refresh_token: Option<String>,
        expires_at: Option<SystemTime>,
    ) -> Self {
        Tokens {
            access_token: access_token.into(),
            refresh_token,
            expires_at,
        }
    }

    /// The access token (the `Bearer` value).
    pub fn access_token(&self) -> &str {
        &self.access_token
    }

    /// The refresh token.
    pub fn refresh_token(&self) -> Option<&str> {
        self.refresh_token.as_deref()
    }

    /// When the access token runs out.
    pub fn expires_at(&self) -> Option<SystemTime> {
        self.expires_at
    }

    /// The tokens of a token endpoint's answer; `kept` is the refresh token
    /// to keep when the answer has none.
    fn from_answer(
        answer: &serde_json::Map<String, serde_json::Value>,
        kept: Option<&str>,
        step: SignInStep,
    ) -> Result<Tokens, SignInError> {
        let text = |k: &str| answer.get(k).and_then(|v| v.as_str()).map(str::to_string);
        let access_token = text("access_token")
            .ok_or_else(|| SignInError::new(step, "the answer has no access_token"))?;
        let expires_at = answer
            .get("expires_in")
            .and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()))
            .and_then(|s| SystemTime::now().checked_add(Duration::from_secs(s)));
        Ok(Tokens {
            access_token,
            refresh_token: text("refresh_token").or_else(|| kept.map(str::to_string)),
            expires_at,
        })
    }
}

/// A user signed in: the tokens, and what the checked `id_token` says.
#[derive(Debug, Clone)]
pub struct SignIn {
    /// The tokens.
    pub tokens: Tokens,
    /// The `id_token`'s claims: the tenant, its `webapi_url`, …
    pub claims: Claims,
}

impl SignIn {
    /// A client builder at the tenant's `webapi_url`, authenticated with
    /// these tokens (refreshed as they run out).
    ///
    /// To persist refreshed tokens, use
    /// [`client_with`](Self::client_with) and
    /// [`OAuthCredentials::on_tokens`].
    pub fn client(&self, app: &OAuth) -> Result<ClientBuilder, Error> {
        self.client_with(app.credentials(self.tokens.clone()))
    }

    /// A client builder at the tenant's `webapi_url`, authenticated with
    /// `credentials` (usually `app.credentials(sign_in.tokens.clone())`
    /// with an [`on_tokens`](OAuthCredentials::on_tokens) callback).
    pub fn client_with(&self, credentials: OAuthCredentials) -> Result<ClientBuilder, Error> {
        let url = self.claims.webapi_url.as_deref().ok_or_else(|| {
            Error::SignIn(SignInError::new(
                SignInStep::Token,
                "the id_token has no webapi_url",
            ))
        })?;
        let url = credentials
            .app
            .inner
            .login
            .trusted_api_url(url)
            .map_err(Error::SignIn)?;
        Ok(Client::builder(url.as_str()).credentials(credentials))
    }
}

impl OAuth {
    /// An app registered with SuperOffice: its client id and secret, and
    /// the redirect URI registered for it.
    pub fn new(
        environment: Environment,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
        redirect_uri: impl Into<String>,
    ) -> Result<Self, Error> {
        Ok(OAuth {
            inner: Arc::new(App {
                login: Login::new(&environment)?,
                client_id: client_id.into(),
                client_secret: client_secret.into(),
                redirect_uri: redirect_uri.into(),
            }),
        })
    }

    /// Where to send a user to sign in: `scope=openid`, a random `state`,
    /// PKCE (S256), and the tenant as a hint (`acr_values=tenant:…`) when
    /// given. The code it leads to is valid for 10 minutes.
    pub fn authorize(&self, tenant: Option<&str>) -> Result<AuthorizeRequest, Error> {
        let state = random_token()?;
        let code_verifier = random_token()?;
        let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(
            aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, code_verifier.as_bytes()),
        );
        let mut url = self.inner.login.url(AUTHORIZE).map_err(Error::SignIn)?;
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("client_id", &self.inner.client_id)
                .append_pair("scope", "openid")
                .append_pair("redirect_uri", &self.inner.redirect_uri)
                .append_pair("state", &state)
                .append_pair("response_type", "code")
                .append_pair("code_challenge", &challenge)
                .append_pair("code_challenge_method", "S256");
            if let Some(t) = tenant {
                q.append_pair("acr_values", &format!("tenant:{t}"));
            }
        }
        Ok(AuthorizeRequest {
            url: url.to_string(),
            state,
            code_verifier,
        })
    }

    /// Exchanges the callback's `code` (with the request's PKCE code
    /// verifier) for tokens, and checks the `id_token`.
    pub async fn exchange(&self, code: &str, code_verifier: &str) -> Result<SignIn, Error> {
        let step = SignInStep::CodeExchange;
        let app = &self.inner;
        let answer = app
            .login
            .post_form(
                TOKENS,
                &[
                    ("grant_type", "authorization_code"),
                    ("client_id", &app.client_id),
                    ("client_secret", &app.client_secret),
                    ("code", code),
                    ("redirect_uri", &app.redirect_uri),
                    ("code_verifier", code_verifier),
                ],
                step,
            )
            .await
            .map_err(Error::SignIn)?;
        let tokens = Tokens::from_answer(&answer, None, step).map_err(Error::SignIn)?;
        let id_token = answer
            .get("id_token")
            .and_then(|v| v.as_str())
            .ok_or_else(|| Error::SignIn(SignInError::new(step, "the answer has no id_token")))?;
        let claims = app
            .login
            .validate(id_token, Some(&app.client_id))
            .await
            .map_err(Error::SignIn)?;
        Ok(SignIn { tokens, claims })
    }

    /// A new access token for `tokens`' refresh token (which is kept: the
    /// answer carries no new one).
    pub async fn refresh(&self, tokens: &Tokens) -> Result<Tokens, Error> {
        self.refreshed(tokens).await.map_err(Error::SignIn)
    }

    async fn refreshed(&self, tokens: &Tokens) -> Result<Tokens, SignInError> {
        let step = SignInStep::Refresh;
        let app = &self.inner;
        let refresh = tokens
            .refresh_token
            .as_deref()
            .ok_or_else(|| SignInError::new(step, "there is no refresh token"))?;
        let answer = app
            .login
            .post_form(
                TOKENS,
                &[
                    ("grant_type", "refresh_token"),
                    ("client_id", &app.client_id),
                    ("client_secret", &app.client_secret),
                    ("refresh_token", refresh),
                ],
                step,
            )
            .await?;
        Tokens::from_answer(&answer, Some(refresh), step)
    }

    /// A credentials source from `tokens` (an exchange's, or kept from an
    /// earlier one).
    pub fn credentials(&self, tokens: Tokens) -> OAuthCredentials {
        OAuthCredentials {
            app: self.clone(),
            tokens: Arc::new(Mutex::new(tokens)),
            on_tokens: None,
        }
    }
}

/// Calls back with every new set of tokens.
type OnTokens = Arc<dyn Fn(&Tokens) + Send + Sync>;

/// OAuth tokens as a [`Credentials`] source: `Bearer` the access token,
/// refreshed [`REFRESH_AHEAD`] before it runs out and after a `401`.
#[derive(Clone)]
pub struct OAuthCredentials {
    app: OAuth,
    tokens: Arc<Mutex<Tokens>>,
    on_tokens: Option<OnTokens>,
}

impl std::fmt::Debug for OAuthCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthCredentials")
            .field("app", &self.app)
            .field("tokens", &self.tokens())
            .finish_non_exhaustive()
    }
}

impl OAuthCredentials {
    /// Calls `keep` with every new set of tokens (after each refresh), for
    /// the caller to persist them. `keep` runs inside the call that caused
    /// the refresh, so it must be quick and must not block: hand the tokens
    /// to a channel or a task to write them somewhere slow.
    pub fn on_tokens(mut self, keep: impl Fn(&Tokens) + Send + Sync + 'static) -> Self {
        self.on_tokens = Some(Arc::new(keep));
        self
    }

    /// The tokens now.
    pub fn tokens(&self) -> Tokens {
        self.tokens
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Refreshes, keeps and reports the new tokens; the `Bearer` value.
    async fn refresh(&self) -> Result<String, BoxError> {
        let old = self.tokens();
        let new = self.app.refreshed(&old).await?;
        *self.tokens.lock().unwrap_or_else(PoisonError::into_inner) = new.clone();
        if let Some(keep) = &self.on_tokens {
            keep(&new);
        }
        Ok(format!("Bearer {}", new.access_token))
    }
}

impl Credentials for OAuthCredentials {
    fn authorization(&self) -> BoxFuture<'_, Result<String, BoxError>> {
        Box::pin(async move {
            let tokens = self.tokens();
            let due = tokens
                .expires_at
                .is_some_and(|t| SystemTime::now() + REFRESH_AHEAD >= t);
            if due && tokens.refresh_token.is_some() {
                return self.refresh().await;
            }
            Ok(format!("Bearer {}", tokens.access_token))
        })
    }

    fn renew(&self) -> BoxFuture<'_, Result<String, BoxError>> {
        Box::pin(self.refresh())
    }

    /// When the access token runs out, if it can be refreshed: without a
    /// refresh token there is nothing to renew it with ahead of time.
    fn expires_at(&self) -> Option<SystemTime> {
        let tokens = self.tokens();
        tokens.refresh_token.as_ref().and(tokens.expires_at)
    }
}

/// 32 random bytes, base64url: a `state` or a PKCE code verifier (43
/// characters, as RFC 7636 asks).
fn random_token() -> Result<String, Error> {
    let mut bytes = [0u8; 32];
    aws_lc_rs::rand::SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| {
            Error::SignIn(SignInError::new(
                SignInStep::CodeExchange,
                "no randomness from the system",
            ))
        })?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// Compares without stopping at the first difference.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app() -> OAuth {
        OAuth::new(
            Environment::Online,
            "my-client",
            "secret-client",
            "https://app.example/callback",
        )
        .expect("app")
    }

    #[test]
    fn the_authorize_url_has_pkce_state_and_the_tenant_hint() {
        let r = app().authorize(Some("Cust12345")).expect("request");
        let url = Url::parse(&r.url).expect("url");
        assert_eq!(
            url.as_str().split('?').next(),
            Some("https://online.superoffice.com/login/common/oauth/authorize")
        );
        let q: std::collections::BTreeMap<String, String> =
            url.query_pairs().into_owned().collect();
        assert_eq!(q["client_id"], "my-client");
        assert_eq!(q["scope"], "openid");
        assert_eq!(q["response_type"], "code");
        assert_eq!(q["redirect_uri"], "https://app.example/callback");
        assert_eq!(q["acr_values"], "tenant:Cust12345");
        assert_eq!(q["state"], r.state);
        assert_eq!(q["code_challenge_method"], "S256");
        let expected = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(
            aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, r.code_verifier().as_bytes()),
        );
        assert_eq!(q["code_challenge"], expected);
        assert_eq!(r.code_verifier().len(), 43);
        assert!(!r.url.contains("secret"));
        let other = app().authorize(None).expect("request");
        assert_ne!(other.state, r.state, "a new state every time");
        assert!(!other.url.contains("acr_values"));
        assert!(r.check_state(&r.state).is_ok());
        assert!(r.check_state(&other.state).is_err());
        assert!(!format!("{r:?} {:?}", app()).contains(r.code_verifier()));
    }

    #[test]
    fn a_refresh_keeps_the_refresh_token_when_none_comes() {
        let answer =
            serde_json::json!({"access_token": "a2", "expires_in": 3600, "token_type": "Bearer"});
        let t = Tokens::from_answer(
            answer.as_object().expect("object"),
            Some("r1"),
            SignInStep::Refresh,
        )
        .expect("tokens");
        assert_eq!((t.access_token(), t.refresh_token()), ("a2", Some("r1")));
        assert!(t.expires_at().is_some_and(|e| e > SystemTime::now()));
        assert!(!format!("{t:?}").contains("a2"));
    }

    use reqwest::Url;
}
