//! The [`Client`]: a base URL, credentials and default headers, shared by
//! every call.

use std::sync::Arc;

use super::error::Error;

/// How calls authenticate.
#[derive(Clone, PartialEq, Eq)]
pub enum Auth {
    /// No `Authorization` header.
    None,
    /// `Authorization: Basic base64(user:password)` (on-site installations).
    Basic { user: String, password: String },
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
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The optional SuperOffice headers, set on the client and overridable per call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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

impl Headers {
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

/// Sets up a [`Client`].
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    base_url: String,
    auth: Auth,
    headers: Headers,
    http: Option<reqwest::Client>,
}

impl ClientBuilder {
    pub fn basic(mut self, user: impl Into<String>, password: impl Into<String>) -> Self {
        self.auth = Auth::Basic {
            user: user.into(),
            password: password.into(),
        };
        self
    }

    pub fn bearer(mut self, token: impl Into<String>) -> Self {
        self.auth = Auth::Bearer(token.into());
        self
    }

    pub fn so_ticket(mut self, ticket: impl Into<String>) -> Self {
        self.auth = Auth::SoTicket(ticket.into());
        self
    }

    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = auth;
        self
    }

    header_setters!("every call");

    /// Sends this header with every call.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.extra.push((name.into(), value.into()));
        self
    }

    /// Uses this reqwest client (timeouts, proxies, connection pool).
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    pub fn build(self) -> Result<Client, Error> {
        let base = reqwest::Url::parse(&self.base_url)
            .map_err(|e| Error::Config(format!("base URL `{}`: {e}", self.base_url)))?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(Error::Config(format!(
                "base URL `{}`: expected http or https",
                self.base_url
            )));
        }
        let mut root = base.as_str().trim_end_matches('/').to_string();
        // An on-site `…/api` root: the documented paths start with `/api`.
        let api_root = root.to_ascii_lowercase().ends_with("/api");
        if api_root {
            root.truncate(root.len() - 4);
        }
        Ok(Client {
            inner: Arc::new(Inner {
                root,
                auth: self.auth,
                headers: self.headers,
                http: self.http.unwrap_or_default(),
            }),
        })
    }
}

#[derive(Debug)]
struct Inner {
    /// The base URL without a trailing slash or `/api`; documented paths
    /// (`/api/v1/…`) are appended to it.
    root: String,
    auth: Auth,
    headers: Headers,
    http: reqwest::Client,
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
    pub fn builder(base_url: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            base_url: base_url.into(),
            auth: Auth::None,
            headers: Headers::default(),
            http: None,
        }
    }

    /// The URL of a documented path (`/api/v1/…`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.inner.root, path)
    }

    pub fn auth(&self) -> &Auth {
        &self.inner.auth
    }

    pub fn headers(&self) -> &Headers {
        &self.inner.headers
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            online.url("/api/v1/User/1"),
            "https://online.superoffice.com/Cust12345/api/v1/User/1"
        );
        let onsite = Client::builder("https://crm.example.com/SuperOffice/api")
            .build()
            .expect("valid");
        assert_eq!(
            onsite.url("/api/v1/User/1"),
            "https://crm.example.com/SuperOffice/api/v1/User/1"
        );
        assert!(matches!(
            Client::builder("not a url").build(),
            Err(Error::Config(_))
        ));
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
    }
}
