//! A partner app's system user (the `system-user` feature): background work
//! with no user present, as SuperOffice documents it.
//!
//! The app's system token (from an administrator's sign-in, the
//! `system_token` claim) is signed as `system_token + "." + UTC
//! yyyyMMddHHmm` with the app's RSA private key (PKCS#1 v1.5, SHA-256,
//! standard base64), and sent with the app's client secret and the tenant
//! to the login service's `PartnerSystemUser/Authenticate`. Its answer is a
//! JWT, checked like every token the login service signs
//! ([`login`](super::login)), that carries a credential ticket and the
//! tenant's URLs. Calls then send `Authorization: SOTicket {ticket}` and
//! `SO-AppToken: {client secret}`; a ticket lives 6 hours, sliding with use,
//! and a `401` gets a new one.
//!
//! ```ignore
//! let user = SystemUser::new(Environment::Online, "Cust12345", client_secret, private_key, system_token)?;
//! let client = user.client().await?.build()?;   // at the tenant's webapi_url
//! // or, with the tenant looked up:
//! let client = user.configure(Client::tenant(Environment::Online, "Cust12345")).build()?;
//! ```

use std::sync::{Arc, Mutex, PoisonError};

use base64::Engine as _;
use jsonwebtoken::{Algorithm, EncodingKey};

use super::client::{Client, ClientBuilder};
use super::credentials::{BoxError, BoxFuture, Credentials};
use super::environment::Environment;
use super::error::{Error, SignInError, SignInStep};
use super::login::{Claims, Login};

/// The login service's system user endpoint.
const AUTHENTICATE: &str = "/Login/api/PartnerSystemUser/Authenticate";

/// A system user of one tenant, as a [`Credentials`] source. Cheap to
/// clone; clones share the ticket.
#[derive(Clone)]
pub struct SystemUser {
    inner: Arc<Inner>,
}

struct Inner {
    login: Login,
    tenant: String,
    client_secret: String,
    system_token: String,
    key: EncodingKey,
    /// The last sign-in's ticket and claims.
    signed_in: Mutex<Option<(String, Claims)>>,
}

impl std::fmt::Debug for SystemUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SystemUser")
            .field("login", &self.inner.login)
            .field("tenant", &self.inner.tenant)
            .field("client_secret", &"***")
            .field("system_token", &"***")
            .field("private_key", &"***")
            .finish()
    }
}

impl SystemUser {
    /// The system user of `tenant` (e.g. `Cust12345`) for the app with
    /// `client_secret`, signing with `private_key`: PEM (`BEGIN RSA PRIVATE
    /// KEY` or `BEGIN PRIVATE KEY`) or SuperOffice's RSA XML
    /// (`<RSAKeyValue><Modulus>…`). A key that is neither, or is not a
    /// private RSA key, fails here.
    pub fn new(
        environment: Environment,
        tenant: impl Into<String>,
        client_secret: impl Into<String>,
        private_key: &str,
        system_token: impl Into<String>,
    ) -> Result<Self, Error> {
        let key = private_key_of(private_key).map_err(Error::SignIn)?;
        Ok(SystemUser {
            inner: Arc::new(Inner {
                login: Login::new(&environment)?,
                tenant: tenant.into(),
                client_secret: client_secret.into(),
                system_token: system_token.into(),
                key,
                signed_in: Mutex::new(None),
            }),
        })
    }

    /// `system_token.yyyyMMddHHmm.signature` for the minute of `now`.
    fn signed_system_token(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<String, SignInError> {
        let data = format!("{}.{}", self.inner.system_token, now.format("%Y%m%d%H%M"));
        let sig = jsonwebtoken::crypto::sign(data.as_bytes(), &self.inner.key, Algorithm::RS256)
            .map_err(|e| SignInError::new(SignInStep::Key, format!("signing failed: {e}")))?;
        // jsonwebtoken writes signatures as base64url; SuperOffice reads
        // standard base64.
        let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(sig)
            .map_err(|e| SignInError::new(SignInStep::Key, format!("signing failed: {e}")))?;
        let sig = base64::engine::general_purpose::STANDARD.encode(raw);
        Ok(format!("{data}.{sig}"))
    }

    /// Signs in anew: a new ticket (kept for the calls), and what the
    /// login service's token says (the tenant's `webapi_url`, …).
    pub async fn sign_in(&self) -> Result<Claims, Error> {
        self.fresh()
            .await
            .map(|(_, claims)| claims)
            .map_err(Error::SignIn)
    }

    async fn fresh(&self) -> Result<(String, Claims), SignInError> {
        let step = SignInStep::SystemUser;
        let inner = &self.inner;
        let body = serde_json::json!({
            "SignedSystemToken": self.signed_system_token(chrono::Utc::now())?,
            "ApplicationToken": inner.client_secret,
            "ContextIdentifier": inner.tenant,
            "ReturnTokenType": "JWT",
        });
        let answer = inner.login.post_json(AUTHENTICATE, &body, step).await?;
        let ok = answer
            .get("IsSuccessful")
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        if !ok {
            let said = answer
                .get("ErrorMessage")
                .and_then(|v| v.as_str())
                .unwrap_or("no reason given");
            if said.to_ascii_lowercase().contains("timestamp") {
                return Err(SignInError::invalid_timestamp(format!(
                    "SuperOffice refused the signed system token's time ({said}): is this machine's clock right?"
                )));
            }
            return Err(SignInError::new(step, format!("SuperOffice said: {said}")));
        }
        let token = answer
            .get("Token")
            .and_then(|v| v.as_str())
            .ok_or_else(|| SignInError::new(step, "the answer has no Token"))?;
        let claims = inner.login.validate(token, None).await?;
        let ticket = claims
            .ticket()
            .ok_or_else(|| SignInError::new(SignInStep::Token, "the token has no ticket"))?
            .to_string();
        *inner
            .signed_in
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some((ticket.clone(), claims.clone()));
        Ok((ticket, claims))
    }

    /// The last sign-in's ticket and claims (the lock is not held after).
    fn kept(&self) -> Option<(String, Claims)> {
        self.inner
            .signed_in
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The ticket of the last sign-in, or of a new one.
    async fn ticket(&self) -> Result<String, SignInError> {
        match self.kept() {
            Some((t, _)) => Ok(t),
            None => self.fresh().await.map(|(t, _)| t),
        }
    }

    /// `builder` with this system user's credentials and `SO-AppToken`.
    pub fn configure(&self, builder: ClientBuilder) -> ClientBuilder {
        builder
            .credentials(self.clone())
            .app_token(self.inner.client_secret.clone())
    }

    /// Signs in and gives a client builder at the tenant's `webapi_url`
    /// (from the token), with these credentials and `SO-AppToken`.
    pub async fn client(&self) -> Result<ClientBuilder, Error> {
        let kept = self.kept();
        let (_, claims) = match kept {
            Some(kept) => kept,
            None => self.fresh().await.map_err(Error::SignIn)?,
        };
        let url = claims.webapi_url.as_deref().ok_or_else(|| {
            Error::SignIn(SignInError::new(
                SignInStep::Token,
                "the token has no webapi_url",
            ))
        })?;
        let url = self
            .inner
            .login
            .trusted_api_url(url)
            .map_err(Error::SignIn)?;
        Ok(self.configure(Client::builder(url.as_str())))
    }
}

impl Credentials for SystemUser {
    fn authorization(&self) -> BoxFuture<'_, Result<String, BoxError>> {
        Box::pin(async move { Ok(format!("SOTicket {}", self.ticket().await?)) })
    }

    fn renew(&self) -> BoxFuture<'_, Result<String, BoxError>> {
        Box::pin(async move { Ok(format!("SOTicket {}", self.fresh().await?.0)) })
    }
}

/// What formats of private key are read.
const FORMATS: &str = "expected the app's RSA private key as PEM (`-----BEGIN RSA PRIVATE KEY-----` or `-----BEGIN PRIVATE KEY-----`) or as SuperOffice's RSA XML (`<RSAKeyValue><Modulus>…</Modulus>…<D>…</D></RSAKeyValue>`)";

/// The signing key of a PEM or RSA XML private key, checked by signing.
fn private_key_of(text: &str) -> Result<EncodingKey, SignInError> {
    let bad = |why: String| SignInError::new(SignInStep::Key, why);
    let t = text.trim();
    let key = if t.starts_with("-----BEGIN") {
        if t.contains("PUBLIC KEY") {
            return Err(bad(format!("this is a public key; {FORMATS}")));
        }
        EncodingKey::from_rsa_pem(t.as_bytes())
            .map_err(|e| bad(format!("the PEM key does not read ({e}); {FORMATS}")))?
    } else if t.starts_with("<RSAKeyValue") {
        EncodingKey::from_rsa_der(&xml_to_der(t).map_err(|why| bad(format!("{why}; {FORMATS}")))?)
    } else {
        return Err(bad(FORMATS.to_string()));
    };
    // A key that does not sign is refused now, not at the first call.
    jsonwebtoken::crypto::sign(b"check", &key, Algorithm::RS256)
        .map_err(|e| bad(format!("the key cannot sign ({e}); {FORMATS}")))?;
    Ok(key)
}

/// An RSA XML private key (`<RSAKeyValue>`, as .NET writes it) as PKCS#1
/// DER, the form the signer reads.
fn xml_to_der(xml: &str) -> Result<Vec<u8>, String> {
    use pkcs1::der::Encode as _;
    let part = |tag: &str| -> Result<Vec<u8>, String> {
        let open = format!("<{tag}>");
        let close = format!("</{tag}>");
        let start = xml.find(&open).ok_or_else(|| {
            format!("the XML key has no <{tag}> (a public key has only Modulus and Exponent)")
        })? + open.len();
        let end = xml[start..]
            .find(&close)
            .ok_or_else(|| format!("the XML key's <{tag}> is not closed"))?;
        let text: String = xml[start..start + end].split_whitespace().collect();
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .map_err(|e| format!("the XML key's <{tag}> is not base64: {e}"))
    };
    let (n, e, d) = (part("Modulus")?, part("Exponent")?, part("D")?);
    let (p, q) = (part("P")?, part("Q")?);
    let (dp, dq, qi) = (part("DP")?, part("DQ")?, part("InverseQ")?);
    fn uint(bytes: &[u8]) -> Result<pkcs1::UintRef<'_>, String> {
        // DER integers have no leading zero bytes (a sign byte is added).
        let first = bytes
            .iter()
            .position(|b| *b != 0)
            .unwrap_or(bytes.len().saturating_sub(1));
        pkcs1::UintRef::new(&bytes[first..]).map_err(|e| format!("a key number is not usable: {e}"))
    }
    let key = pkcs1::RsaPrivateKey {
        modulus: uint(&n)?,
        public_exponent: uint(&e)?,
        private_exponent: uint(&d)?,
        prime1: uint(&p)?,
        prime2: uint(&q)?,
        exponent1: uint(&dp)?,
        exponent2: uint(&dq)?,
        coefficient: uint(&qi)?,
        other_prime_infos: None,
    };
    key.to_der()
        .map_err(|e| format!("the XML key does not encode: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A key in RSA XML with every part but the private exponent.
    const NO_D: &str =
        "<RSAKeyValue><Modulus>AQAB</Modulus><Exponent>AQAB</Exponent><P>AQ==</P></RSAKeyValue>";

    #[test]
    fn an_xml_key_without_its_private_part_says_so() {
        let err = xml_to_der(NO_D).expect_err("no D");
        assert!(err.contains("no <D>"), "{err}");
        assert!(
            xml_to_der("<RSAKeyValue><Modulus>!!</Modulus></RSAKeyValue>")
                .expect_err("not base64")
                .contains("not base64")
        );
    }
}
