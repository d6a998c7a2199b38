//! The [`Client`]'s configuration: a base URL (or an Online tenant that is
//! looked up), credentials, default headers, time limits and the retry
//! policy, shared by every call. It sends nothing itself: the
//! orchestrator does, with what the client holds.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION};

use super::credentials::{Credentials, Renewer, Source};
use super::error::Error;
use super::rate::RateLimit;
use super::redirect;
use super::retry::RetryPolicy;
use super::tenant::{Environment, Tenant};
use super::url;

/// How calls authenticate.
#[derive(Clone, PartialEq, Eq)]
pub enum Auth {
    /// No `Authorization` header.
    None,
    /// `Authorization: Basic base64(user:password)` (on-site installations).
    Basic {
        /// The user name.
        user: String,
        /// The password (never printed).
        password: String,
    },
    /// `Authorization: Bearer <token>` (Online, OAuth/OpenID Connect).
    Bearer(String),
    /// `Authorization: SOTicket <ticket>` (a SuperOffice credential ticket).
    SoTicket(String),
}

impl std::fmt::Debug for Auth {
    /// Never prints secrets.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Auth::None => f.write_str("None"),
            Auth::Basic { user, .. } => write!(f, "Basic({user}, ***)"),
            Auth::Bearer(_) => f.write_str("Bearer(***)"),
            Auth::SoTicket(_) => f.write_str("SoTicket(***)"),
        }
    }
}

impl Auth {
    /// The `Authorization` header value.
    pub fn header_value(&self) -> Option<String> {
        match self {
            Auth::None => None,
            Auth::Basic { user, password } => Some(format!(
                "Basic {}",
                base64(format!("{user}:{password}").as_bytes())
            )),
            Auth::Bearer(t) => Some(format!("Bearer {t}")),
            Auth::SoTicket(t) => Some(format!("SOTicket {t}")),
        }
    }
}

/// Standard base64 with padding (all Basic auth needs).
fn base64(input: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(input)
}

/// The optional SuperOffice headers, set on the client and overridable per call.
///
/// `Debug` shows the app token and the values of the extra headers as `***`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Headers {
    /// `SO-AppToken`: identifies the partner application (Online, server to server).
    pub app_token: Option<String>,
    /// `Accept-Language`: language of string references and multi-language values.
    pub accept_language: Option<String>,
    /// `SO-Language`: like `Accept-Language`, and overrides it.
    pub so_language: Option<String>,
    /// `SO-Culture`: number and date formatting.
    pub so_culture: Option<String>,
    /// `SO-TimeZone`: the time zone date-times are converted to.
    pub so_time_zone: Option<String>,
    /// Any other headers, sent as given.
    pub extra: Vec<(String, String)>,
}

impl std::fmt::Debug for Headers {
    /// Never prints the app token or the values of extra headers.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hidden = |v: &Option<String>| v.as_ref().map(|_| "***");
        let extra: Vec<(&str, &str)> = self
            .extra
            .iter()
            .map(|(n, _)| (n.as_str(), "***"))
            .collect();
        f.debug_struct("Headers")
            .field("app_token", &hidden(&self.app_token))
            .field("accept_language", &self.accept_language)
            .field("so_language", &self.so_language)
            .field("so_culture", &self.so_culture)
            .field("so_time_zone", &self.so_time_zone)
            .field("extra", &extra)
            .finish()
    }
}

impl Headers {
    /// No header is set.
    pub fn is_empty(&self) -> bool {
        *self == Headers::default()
    }

    /// These headers with `over`'s values where it has them.
    pub fn merged(&self, over: &Headers) -> Headers {
        let pick = |a: &Option<String>, b: &Option<String>| b.clone().or_else(|| a.clone());
        let mut extra = self.extra.clone();
        extra.extend(over.extra.iter().cloned());
        Headers {
            app_token: pick(&self.app_token, &over.app_token),
            accept_language: pick(&self.accept_language, &over.accept_language),
            so_language: pick(&self.so_language, &over.so_language),
            so_culture: pick(&self.so_culture, &over.so_culture),
            so_time_zone: pick(&self.so_time_zone, &over.so_time_zone),
            extra,
        }
    }

    /// `(name, value)` pairs to send.
    pub fn pairs(&self) -> Vec<(&str, &str)> {
        let mut out = Vec::new();
        let named = [
            ("SO-AppToken", &self.app_token),
            ("Accept-Language", &self.accept_language),
            ("SO-Language", &self.so_language),
            ("SO-Culture", &self.so_culture),
            ("SO-TimeZone", &self.so_time_zone),
        ];
        for (name, value) in named {
            if let Some(v) = value {
                out.push((name, v.as_str()));
            }
        }
        out.extend(self.extra.iter().map(|(n, v)| (n.as_str(), v.as_str())));
        out
    }
}

/// The setters of the optional SuperOffice headers, for any builder with a
/// `headers: Headers` field (the client builder, and one call).
macro_rules! header_setters {
    ($scope:literal) => {
        #[doc = concat!("`SO-AppToken` (the partner application's token) for ", $scope, ".")]
        pub fn app_token(mut self, token: impl Into<String>) -> Self {
            self.headers.app_token = Some(token.into());
            self
        }

        #[doc = concat!("`Accept-Language` for ", $scope, ".")]
        pub fn accept_language(mut self, lang: impl Into<String>) -> Self {
            self.headers.accept_language = Some(lang.into());
            self
        }

        #[doc = concat!("`SO-Language` (overrides `Accept-Language`) for ", $scope, ".")]
        pub fn so_language(mut self, lang: impl Into<String>) -> Self {
            self.headers.so_language = Some(lang.into());
            self
        }

        #[doc = concat!("`SO-Culture` (number and date formats) for ", $scope, ".")]
        pub fn so_culture(mut self, culture: impl Into<String>) -> Self {
            self.headers.so_culture = Some(culture.into());
            self
        }

        #[doc = concat!("`SO-TimeZone` (the zone date-times are converted to) for ", $scope, ".")]
        pub fn so_time_zone(mut self, tz: impl Into<String>) -> Self {
            self.headers.so_time_zone = Some(tz.into());
            self
        }
    };
}
pub(crate) use header_setters;

/// How long connecting may take, unless [`ClientBuilder::connect_timeout`]
/// says otherwise.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The most bytes an answer's body may have, unless
/// [`ClientBuilder::max_response_bytes`] says otherwise: 256 MiB, room for a
/// large document or image, but not for a server that never stops.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 256 << 20;

/// How long one attempt of a call may take in all (connecting, sending,
/// redirects, reading the answer), unless [`ClientBuilder::timeout`] or
/// [`Call::timeout`](super::Call::timeout) says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// Sets up a [`Client`].
///
/// The defaults: [`DEFAULT_CONNECT_TIMEOUT`], [`DEFAULT_TIMEOUT`] per
/// attempt, [`RetryPolicy::default`] (three attempts; `POST`s are retried
/// only on `429`), redirects followed within the
/// [rules](super::redirect) that keep credentials safe.
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    target: Target,
    auth: Auth,
    credentials: Option<Source>,
    headers: Headers,
    http: Option<reqwest::Client>,
    connect_timeout: Duration,
    timeout: Duration,
    retry: RetryPolicy,
    rate_limit: Option<(u32, Duration)>,
    max_response_bytes: u64,
}

/// Where a client's calls go, as configured.
#[derive(Debug, Clone)]
enum Target {
    /// A base URL.
    Url(String),
    /// An Online tenant, looked up in its environment.
    Tenant(Environment, String),
}

impl ClientBuilder {
    /// Authenticates with `Authorization: Basic` (on-site installations).
    pub fn basic(self, user: impl Into<String>, password: impl Into<String>) -> Self {
        self.auth(Auth::Basic {
            user: user.into(),
            password: password.into(),
        })
    }

    /// Authenticates with `Authorization: Bearer` (Online, OAuth/OpenID Connect).
    pub fn bearer(self, token: impl Into<String>) -> Self {
        self.auth(Auth::Bearer(token.into()))
    }

    /// Authenticates with `Authorization: SOTicket` (a credential ticket).
    pub fn so_ticket(self, ticket: impl Into<String>) -> Self {
        self.auth(Auth::SoTicket(ticket.into()))
    }

    /// Authenticates as given (instead of any [`credentials`](Self::credentials)
    /// source).
    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = auth;
        self.credentials = None;
        self
    }

    /// Asks `source` for the `Authorization` value, and asks it to renew
    /// the value when the server answers `401` (see
    /// [`credentials`](super::credentials)); instead of a static
    /// [`auth`](Self::auth).
    pub fn credentials(mut self, source: impl Credentials) -> Self {
        self.credentials = Some(Source(Arc::new(source)));
        self.auth = Auth::None;
        self
    }

    header_setters!("every call");

    /// Sends this header with every call.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.extra.push((name.into(), value.into()));
        self
    }

    /// How long connecting may take (default [`DEFAULT_CONNECT_TIMEOUT`]).
    /// Not used with [`http_client`](Self::http_client), which has its own.
    pub fn connect_timeout(mut self, limit: Duration) -> Self {
        self.connect_timeout = limit;
        self
    }

    /// How long one attempt of a call may take in all (default
    /// [`DEFAULT_TIMEOUT`]); a call that runs out of time fails with an
    /// error whose [`is_timeout`](Error::is_timeout) is true, and is not
    /// retried.
    pub fn timeout(mut self, limit: Duration) -> Self {
        self.timeout = limit;
        self
    }

    /// When failed calls are tried again (default [`RetryPolicy::default`];
    /// [`RetryPolicy::none`] turns retries off). See [`retry`](super::retry)
    /// for which failures are retried.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Also retries `POST` calls on `502`, `503`, `504` and connection
    /// failures. SuperOffice's agent endpoints are all `POST`; turn this on
    /// only when the calls you make are safe to repeat (reads), or opt in
    /// per call with [`Call::idempotent`](super::Call::idempotent).
    pub fn retry_non_idempotent(mut self, yes: bool) -> Self {
        self.retry.retry_non_idempotent = yes;
        self
    }

    /// Sends at most `calls` requests in any window of `per`, for every
    /// clone of the client together, in the order the calls ask (e.g.
    /// `.rate_limit(10, Duration::from_secs(1))`, SuperOffice's published
    /// limit). Every send takes a slot (retries and calls repeated after a
    /// renewal too); waiting for one counts against the call's time limit.
    pub fn rate_limit(mut self, calls: u32, per: Duration) -> Self {
        self.rate_limit = Some((calls, per));
        self
    }

    /// The most bytes an answer's body may have (default
    /// [`DEFAULT_MAX_RESPONSE_BYTES`]); a larger one ends the call with
    /// [`Error::TooLarge`], having read no more than that.
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Uses this reqwest client (proxies, connection pool, TLS roots).
    ///
    /// Build it with `.redirect(reqwest::redirect::Policy::none())`: the
    /// runtime follows redirects itself, never from `https` to `http` and
    /// without credentials to other hosts; a client that follows them on
    /// its own does so by its own rules. The
    /// [`connect_timeout`](Self::connect_timeout) is the given client's
    /// business; the overall [`timeout`](Self::timeout) still applies.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Checks the base URL (or the tenant id) and builds the client.
    ///
    /// The base URL must say its scheme: `https://…`, or `http://…` for a
    /// server that really is plain HTTP (a test server, an on-site
    /// installation without TLS). It must not carry credentials, a query or
    /// a fragment.
    pub fn build(self) -> Result<Client, Error> {
        let (place, https) = match &self.target {
            Target::Url(raw) => {
                let base = url::api_root(raw).map_err(|why| {
                    Error::Config(format!("base URL `{}`: {why}", url::without_userinfo(raw)))
                })?;
                let https = base.scheme() == "https";
                (Place::Fixed(base), https)
            }
            Target::Tenant(env, id) => {
                let tenant = Tenant::new(env, id)?;
                let https = tenant.is_https();
                (Place::Tenant(Box::new(tenant)), https)
            }
        };
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .redirect(reqwest::redirect::Policy::none())
                .https_only(https)
                .build()
                .map_err(|e| Error::Config(format!("the HTTP client: {e}")))?,
        };
        let authorization = self.auth.header_value();
        let base_headers = header_map(&self.headers, authorization.as_deref())?;
        Ok(Client {
            inner: Arc::new(Inner {
                place,
                auth: self.auth,
                renewer: self.credentials.map(Renewer::new),
                headers: self.headers,
                base_headers,
                http,
                timeout: self.timeout,
                retry: self.retry,
                rate: match self.rate_limit {
                    Some((calls, per)) => Some(RateLimit::new(calls, per)?),
                    None => None,
                },
                max_response_bytes: self.max_response_bytes,
            }),
        })
    }
}

/// `Accept`, the SuperOffice headers and an `Authorization` value, as sent.
pub(crate) fn header_map(
    headers: &Headers,
    authorization: Option<&str>,
) -> Result<HeaderMap, Error> {
    let mut map = HeaderMap::new();
    map.insert(ACCEPT, HeaderValue::from_static("application/json"));
    for (name, value) in headers.pairs() {
        let header = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::Config(format!("`{name}` is not a header name")))?;
        // A header set twice is sent with the value set last.
        map.insert(header, header_value(name, value)?);
    }
    // The client's authentication wins over an extra `Authorization`.
    if let Some(auth) = authorization {
        map.insert(AUTHORIZATION, header_value("Authorization", auth)?);
    }
    Ok(map)
}

/// A header value, marked sensitive (never printed, never indexed by
/// HTTP/2 header compression) when it carries credentials. A value that
/// cannot be sent (a line break) is a configuration error that names the
/// header but not the value.
pub(crate) fn header_value(name: &str, value: &str) -> Result<HeaderValue, Error> {
    let mut v = HeaderValue::from_str(value)
        .map_err(|_| Error::Config(format!("the value of header `{name}` cannot be sent")))?;
    if HeaderName::from_bytes(name.as_bytes()).is_ok_and(|n| redirect::is_secret(&n)) {
        v.set_sensitive(true);
    }
    Ok(v)
}

/// Where a built client's calls go.
#[derive(Debug)]
pub(crate) enum Place {
    /// The base URL without a trailing slash or `/api`; documented paths
    /// (`/api/v1/…`) are appended to it.
    Fixed(reqwest::Url),
    /// An Online tenant, with where it was last found (boxed: it is
    /// much larger than a URL).
    Tenant(Box<Tenant>),
}

struct Inner {
    place: Place,
    auth: Auth,
    renewer: Option<Renewer>,
    headers: Headers,
    /// `Accept`, the client's headers and a static `Authorization`,
    /// checked once when the client is built.
    base_headers: HeaderMap,
    http: reqwest::Client,
    timeout: Duration,
    retry: RetryPolicy,
    rate: Option<RateLimit>,
    max_response_bytes: u64,
}

/// Shows the configuration, never a secret (the headers as sent are
/// left out: they hold the values).
impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("place", &self.place)
            .field("auth", &self.auth)
            .field("credentials", &self.renewer)
            .field("headers", &self.headers)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("rate_limit", &self.rate)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish_non_exhaustive()
    }
}

/// A SuperOffice WebAPI client. Cheap to clone; clones share connections.
#[derive(Debug, Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

impl Client {
    /// Starts a client for a tenant: an Online URL such as
    /// `https://online.superoffice.com/Cust12345`, or an on-site root such
    /// as `https://crm.example.com/SuperOffice/api`.
    ///
    /// Calls go over HTTPS (rustls); plain `http://` is used only when the
    /// URL says so, and a redirect never leads from `https` to `http`.
    pub fn builder(base_url: impl Into<String>) -> ClientBuilder {
        Self::starting(Target::Url(base_url.into()))
    }

    /// Starts a client for the SuperOffice Online tenant `tenant` (e.g.
    /// `Cust12345`) in `environment`: its API URL is looked up on the first
    /// call, kept until the state says, and looked up again when the
    /// tenant has moved (see [`tenant`](super::tenant)).
    ///
    /// ```ignore
    /// let client = Client::tenant(Environment::Online, "Cust12345")
    ///     .bearer(token)
    ///     .build()?;
    /// ```
    pub fn tenant(environment: Environment, tenant: impl Into<String>) -> ClientBuilder {
        Self::starting(Target::Tenant(environment, tenant.into()))
    }

    fn starting(target: Target) -> ClientBuilder {
        ClientBuilder {
            target,
            auth: Auth::None,
            credentials: None,
            headers: Headers::default(),
            http: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            retry: RetryPolicy::default(),
            rate_limit: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }

    /// The URL of a documented path (`/api/v1/…`); for a
    /// [`tenant`](Self::tenant) client, where the tenant was last found
    /// (`None` before the first call).
    pub fn url(&self, path: &str) -> Option<String> {
        let base = match &self.inner.place {
            Place::Fixed(base) => Cow::Borrowed(base),
            Place::Tenant(t) => Cow::Owned(t.last_known()?),
        };
        Some(format!("{}{path}", base.as_str().trim_end_matches('/')))
    }

    /// How calls authenticate, when it is static (`Auth::None` for a
    /// client with a [`credentials`](ClientBuilder::credentials) source).
    pub fn auth(&self) -> &Auth {
        &self.inner.auth
    }

    /// The client's credentials source, if it has one.
    pub(crate) fn renewer(&self) -> Option<&Renewer> {
        self.inner.renewer.as_ref()
    }

    /// Where calls go: a fixed base URL, or a tenant that is looked up.
    pub(crate) fn place(&self) -> &Place {
        &self.inner.place
    }

    /// `Accept`, the client's headers and a static `Authorization`, ready
    /// to send.
    pub(crate) fn base_headers(&self) -> &HeaderMap {
        &self.inner.base_headers
    }

    /// The headers sent with every call.
    pub fn headers(&self) -> &Headers {
        &self.inner.headers
    }

    /// How long one attempt of a call may take.
    pub fn timeout(&self) -> Duration {
        self.inner.timeout
    }

    /// When failed calls are tried again.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// The most bytes an answer's body may have.
    pub fn max_response_bytes(&self) -> u64 {
        self.inner.max_response_bytes
    }

    /// The rate limit every clone shares, if there is one.
    pub(crate) fn rate(&self) -> Option<&RateLimit> {
        self.inner.rate.as_ref()
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_that_cannot_be_sent_fails_the_build_without_its_value() {
        let err = Client::builder("https://h.example")
            .bearer("secret\r\nX-Evil: 1")
            .build()
            .expect_err("unsendable");
        assert!(matches!(err, Error::Config(_)), "{err:?}");
        assert!(!err.to_string().contains("secret"), "{err}");
        let client = Client::builder("https://h.example")
            .bearer("secret")
            .app_token("app")
            .build()
            .expect("client");
        let map = client.base_headers();
        assert!(map
            .get("authorization")
            .is_some_and(HeaderValue::is_sensitive));
        assert!(map
            .get("so-apptoken")
            .is_some_and(HeaderValue::is_sensitive));
        assert_eq!(
            map.get("accept").map(|v| v.as_bytes()),
            Some(&b"application/json"[..])
        );
    }

    #[test]
    fn base64_matches_the_documented_sample() {
        // The pages' samples use `Basic dGplMDpUamUw` for tje0:Tje0.
        assert_eq!(
            Auth::Basic {
                user: "tje0".into(),
                password: "Tje0".into()
            }
            .header_value()
            .as_deref(),
            Some("Basic dGplMDpUamUw")
        );
        assert_eq!(base64(b"a"), "YQ==");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b""), "");
    }

    #[test]
    fn online_and_onsite_roots() {
        let online = Client::builder("https://online.superoffice.com/Cust12345/")
            .build()
            .expect("valid");
        assert_eq!(
            online.url("/api/v1/User/1").as_deref(),
            Some("https://online.superoffice.com/Cust12345/api/v1/User/1")
        );
        let onsite = Client::builder("https://crm.example.com/SuperOffice/api")
            .build()
            .expect("valid");
        assert_eq!(
            onsite.url("/api/v1/User/1").as_deref(),
            Some("https://crm.example.com/SuperOffice/api/v1/User/1")
        );
        assert!(matches!(
            Client::builder("not a url").build(),
            Err(Error::Config(_))
        ));
    }

    #[test]
    fn base_urls_say_their_scheme_and_carry_no_secrets() {
        for bad in [
            "crm.example.com/SuperOffice",
            "localhost:8080",
            "ftp://crm.example.com",
            "https://user:pw@crm.example.com",
            "https://crm.example.com/?x=1",
            "https://crm.example.com/#f",
        ] {
            let err = Client::builder(bad).build().expect_err(bad);
            assert!(matches!(err, Error::Config(_)), "{bad}: {err:?}");
            assert!(!err.to_string().contains("pw"), "{err}");
        }
        let plain = Client::builder("http://crm.example.com/SuperOffice/api")
            .build()
            .expect("explicit http");
        assert_eq!(
            plain.url("/api/v1/User/1").as_deref(),
            Some("http://crm.example.com/SuperOffice/api/v1/User/1")
        );
    }

    #[test]
    fn per_call_headers_override_client_headers() {
        let client = Headers {
            accept_language: Some("en".into()),
            so_culture: Some("nb".into()),
            ..Headers::default()
        };
        let call = Headers {
            accept_language: Some("sv".into()),
            ..Headers::default()
        };
        let m = client.merged(&call);
        assert_eq!(
            m.pairs(),
            vec![("Accept-Language", "sv"), ("SO-Culture", "nb")]
        );
    }

    #[test]
    fn debug_hides_secrets() {
        let s = format!("{:?}", Auth::Bearer("secret".into()));
        assert!(!s.contains("secret"));
        let builder = Client::builder("https://h.example")
            .basic("u", "secret-pw")
            .app_token("secret-app")
            .header("X-Key", "secret-extra");
        let s = format!("{builder:?}");
        assert!(!s.contains("secret"), "{s}");
        assert!(s.contains("X-Key"), "{s}");
    }
}
