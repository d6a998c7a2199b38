//! Which SuperOffice Online environment a client talks to, and where its
//! services are: the tenant state service and the login service. A leaf.

/// A SuperOffice Online environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Environment {
    /// The development environment, `sod.superoffice.com`.
    Sod,
    /// The staging environment: tenant states at `stage.superoffice.com`,
    /// sign-in at `qaonline.superoffice.com`.
    Stage,
    /// Production, `online.superoffice.com` (numbered hosts such as
    /// `online2` serve tenants, never sign-in).
    Online,
    /// Every service at this base URL (`{base}/api/state/{tenant}`,
    /// `{base}/login/…`): a test server, a proxy. Its answers may point
    /// anywhere.
    Custom(String),
}

impl Environment {
    /// The base URL of the environment's tenant state service.
    pub fn state_base(&self) -> &str {
        match self {
            Environment::Sod => "https://sod.superoffice.com",
            Environment::Stage => "https://stage.superoffice.com",
            Environment::Online => "https://online.superoffice.com",
            Environment::Custom(base) => base,
        }
    }

    /// The base URL of the environment's login service (OpenID Connect
    /// metadata and keys, OAuth, system users), which is also the issuer
    /// of the tokens it signs.
    pub fn login_base(&self) -> &str {
        match self {
            Environment::Sod => "https://sod.superoffice.com",
            Environment::Stage => "https://qaonline.superoffice.com",
            Environment::Online => "https://online.superoffice.com",
            Environment::Custom(base) => base.trim_end_matches('/'),
        }
    }

    /// The domain the URLs its services answer with must be in (https),
    /// for SuperOffice's own environments; `None` for a custom one.
    pub fn trusted_domain(&self) -> Option<&'static str> {
        match self {
            Environment::Custom(_) => None,
            _ => Some("superoffice.com"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_of_each_environment() {
        assert_eq!(
            Environment::Stage.login_base(),
            "https://qaonline.superoffice.com"
        );
        assert_eq!(
            Environment::Stage.state_base(),
            "https://stage.superoffice.com"
        );
        assert_eq!(
            Environment::Custom("http://127.0.0.1:9/".into()).login_base(),
            "http://127.0.0.1:9"
        );
        assert_eq!(
            Environment::Online.trusted_domain(),
            Some("superoffice.com")
        );
        assert_eq!(Environment::Custom(String::new()).trusted_domain(), None);
    }
}
