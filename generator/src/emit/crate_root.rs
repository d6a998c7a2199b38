//! `src/lib.rs`: the crate's docs (with the quickstart), its modules, each
//! group's behind its feature, and what it re-exports.

use proc_macro2::TokenStream;
use quote::quote;

use crate::resolve::Api;

use super::types;

/// `src/lib.rs`, its doc showing `quickstart` (the example's `main`).
pub fn lib_file(api: &Api, quickstart: &str) -> TokenStream {
    let modules = api.groups.values().map(|g| {
        let m = types::ident(&g.module);
        let f = &g.feature();
        quote! {
            #[cfg(feature = #f)]
            pub mod #m;
        }
    });
    let mut doc = vec![
        " A client for the SuperOffice WebAPI, generated from its reference pages.".to_string(),
        String::new(),
        " Build a [`Client`], then call an endpoint through its group (each".into(),
        " group is a cargo feature); request and response bodies are in".into(),
        " [`types`]. From `examples/quickstart.rs`, which `cargo test` builds:".into(),
        String::new(),
        " ```rust,ignore".into(),
    ];
    doc.extend(
        quickstart
            .lines()
            .map(|l| format!(" {l}").trim_end().to_string()),
    );
    doc.push(" ```".into());
    quote! {
        #( #![doc = #doc] )*
        // docs.rs shows which feature each item needs.
        #![cfg_attr(docsrs, feature(doc_cfg))]

        pub mod runtime;
        pub mod types;

        #(#modules)*

        pub use runtime::{
            ApiError, Auth, Client, ClientBuilder, Credentials, CredentialsError, DateTime,
            DecodeError, Environment, Error, Headers, Response, RetryPolicy, SignInError,
            TransportError, WithLinks,
        };

        /// Signing in to SuperOffice Online: [`OAuth`](auth::OAuth) for
        /// users (the `oauth` feature), [`SystemUser`](auth::SystemUser)
        /// for background work (the `system-user` feature).
        pub mod auth {
            #[cfg(any(feature = "oauth", feature = "system-user"))]
            pub use crate::runtime::login::Claims;
            #[cfg(feature = "oauth")]
            pub use crate::runtime::oauth::{AuthorizeRequest, OAuth, OAuthCredentials, SignIn, Tokens};
            #[cfg(feature = "system-user")]
            pub use crate::runtime::system_user::SystemUser;
        }

        /// Receiving SuperOffice's webhooks (the `webhooks` feature).
        #[cfg(feature = "webhooks")]
        pub use runtime::webhooks;
    }
}
