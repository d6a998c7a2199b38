//! The one attempt loop. Every request the runtime sends goes through
//! [`exchange`] (a call of the client's) or, for a tenant's state lookup,
//! through the same loop with a URL of its own and no credentials. In
//! fixed phases:
//!
//! 1. **endpoint**: the URL, under the client's base or where its tenant
//!    is now (looking the tenant up, through this same loop, when needed);
//! 2. **identity**: the `Authorization` value, from the credentials source
//!    (asked once, and again when renewing);
//! 3. **transmit**: one attempt ([`transport`](super::transport));
//! 4. **classify**: the [classifier](super::classify) says what follows:
//!    the answer, a retry after a wait, a renewal (back to 2), a new
//!    lookup (back to 1), or the error.
//!
//! Attempts are counted here, once, for the whole call. Decoding the
//! answer is the [call](super::call)'s.

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, Url};

use super::classify::{self, Next, Situation};
use super::client::{Client, Place};
use super::credentials::Stamp;
use super::error::Error;
use super::rate::RateLimit;
use super::retry::Plan;
use super::transport::{self, Outcome, Prepared};
use super::url;

/// A call as the orchestrator runs it: a documented path under the
/// client's place, with the headers and body the call built.
pub(crate) struct Outgoing<'a> {
    pub method: Method,
    pub path: &'a str,
    pub query: &'a [(&'static str, String)],
    /// `Accept`, the SuperOffice headers and a static `Authorization`:
    /// the client's, unless the call changed them.
    pub headers: Cow<'a, HeaderMap>,
    /// The body's `Content-Type`.
    pub content_type: Option<HeaderValue>,
    pub body: Option<bytes::Bytes>,
    pub plan: Plan,
}

/// A successful answer and how many sends it took.
#[derive(Debug)]
pub(crate) struct Success {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: bytes::Bytes,
    pub attempts: u32,
}

/// Sends a call of `client` until it has its final answer.
pub(crate) async fn exchange(client: &Client, out: Outgoing<'_>) -> Result<Success, Error> {
    let Outgoing {
        method,
        path,
        query,
        headers,
        content_type,
        body,
        plan,
    } = out;
    let serving = Serving::Call {
        client,
        path,
        query,
        plan,
    };
    let parts = Parts {
        method,
        headers,
        content_type,
        body,
    };
    run(serving, parts, plan).await
}

/// A request but for its URL, which the endpoint phase gives.
struct Parts<'h> {
    method: Method,
    headers: Cow<'h, HeaderMap>,
    content_type: Option<HeaderValue>,
    body: Option<bytes::Bytes>,
}

/// The attempt loop: the request of `parts` goes where the endpoint phase
/// says.
async fn run(serving: Serving<'_>, parts: Parts<'_>, plan: Plan) -> Result<Success, Error> {
    // 1. endpoint
    let located = serving.endpoint().await?;
    let mut generation = located.generation;
    // 2. identity
    let renewer = serving.client().and_then(Client::renewer);
    let mut stamp: Option<Stamp> = match renewer {
        Some(r) => Some(r.current(plan.timeout).await?),
        None => None,
    };
    let mut req = Prepared {
        method: parts.method,
        url: located.url,
        headers: parts.headers,
        authorization: None,
        content_type: parts.content_type,
        body: parts.body,
    };
    let mut count = Count::default();
    loop {
        req.authorization = stamp.as_ref().map(|s| s.value.clone());
        // 3. transmit (every hop of a call's send takes a rate-limit slot)
        let rate = serving.client().and_then(Client::rate);
        let outcome = count.send(serving.http(), &req, plan, rate).await;
        // 4. classify
        let situation = Situation {
            policy: &plan.retry,
            repeatable: plan.repeatable,
            retries: count.retries,
            may_renew: stamp.is_some() && !count.renewed,
            may_relocate: generation.is_some() && !count.relocated,
            now: SystemTime::now(),
        };
        match classify::classify(&outcome, &situation) {
            Next::Done => return count.done(outcome, plan),
            Next::Retry(wait) => count.retry(&outcome, wait).await,
            Next::Renew => {
                count.renewed = true;
                if let (Some(r), Some(s)) = (renewer, &stamp) {
                    stamp = Some(r.renew(s.generation, plan.timeout).await?);
                }
            }
            Next::Relocate => {
                count.relocated = true;
                super::trace::moved();
                if let (Some(Place::Tenant(t)), Some(g)) =
                    (serving.client().map(Client::place), generation)
                {
                    t.moved(g);
                }
                let moved = serving.endpoint().await?;
                req.url = moved.url;
                generation = moved.generation;
            }
            Next::Stop => {
                return Err(classify::error_of(
                    outcome,
                    count.attempts,
                    plan.timeout,
                    SystemTime::now(),
                ))
            }
        }
    }
}

/// Where an exchange is sent, and the lookup it came from (for a tenant).
struct Located {
    url: Url,
    generation: Option<u64>,
}

/// What an exchange serves: a call of the client's, or a request with a
/// URL of its own and no credentials (the tenant's state lookup).
enum Serving<'a> {
    Call {
        client: &'a Client,
        path: &'a str,
        query: &'a [(&'static str, String)],
        plan: Plan,
    },
    Lookup {
        http: &'a reqwest::Client,
        url: &'a Url,
    },
}

impl Serving<'_> {
    fn http(&self) -> &reqwest::Client {
        match self {
            Serving::Call { client, .. } => client.http(),
            Serving::Lookup { http, .. } => http,
        }
    }

    fn client(&self) -> Option<&Client> {
        match self {
            Serving::Call { client, .. } => Some(client),
            Serving::Lookup { .. } => None,
        }
    }

    /// The endpoint phase: the URL under the client's base, or under where
    /// its tenant is (looked up when not known or no longer valid).
    async fn endpoint(&self) -> Result<Located, Error> {
        let (client, path, query, plan) = match self {
            Serving::Lookup { url, .. } => {
                return Ok(Located {
                    url: (*url).clone(),
                    generation: None,
                })
            }
            Serving::Call {
                client,
                path,
                query,
                plan,
            } => (*client, *path, *query, *plan),
        };
        match client.place() {
            Place::Fixed(base) => Ok(Located {
                url: url::url(base, path, query)?,
                generation: None,
            }),
            Place::Tenant(tenant) => {
                let http = client.http();
                // The state service is only read, so it may be asked again.
                let lookup_plan = Plan {
                    repeatable: true,
                    ..plan
                };
                let look_up = |req: Prepared<'static>| look_up(http, req, lookup_plan);
                let at = tenant.locate(plan.patience(), look_up).await?;
                Ok(Located {
                    url: url::url(&at.base, path, query)?,
                    generation: Some(at.generation),
                })
            }
        }
    }
}

/// A state lookup sent through the loop (boxed: the loop runs it from
/// inside itself).
type LookUp<'a> = Pin<Box<dyn Future<Output = Result<bytes::Bytes, Error>> + Send + 'a>>;

/// Sends the tenant's state request through the loop; the body of its
/// answer.
fn look_up<'a>(http: &'a reqwest::Client, req: Prepared<'static>, plan: Plan) -> LookUp<'a> {
    Box::pin(async move {
        let parts = Parts {
            method: req.method,
            headers: req.headers,
            content_type: req.content_type,
            body: req.body,
        };
        run(
            Serving::Lookup {
                http,
                url: &req.url,
            },
            parts,
            plan,
        )
        .await
        .map(|s| s.body)
    })
}

/// The counts of one exchange.
#[derive(Default)]
struct Count {
    /// Sends made.
    attempts: u32,
    /// Of them, retries.
    retries: u32,
    renewed: bool,
    relocated: bool,
}

impl Count {
    async fn send(
        &mut self,
        http: &reqwest::Client,
        req: &Prepared<'_>,
        plan: Plan,
        rate: Option<&RateLimit>,
    ) -> Outcome {
        self.attempts = self.attempts.saturating_add(1);
        transport::attempt(http, req, plan.timeout, plan.max_body, rate).await
    }

    async fn retry(&mut self, outcome: &Outcome, wait: Duration) {
        let status = outcome.as_ref().ok().map(|a| a.status.as_u16());
        super::trace::retrying(self.attempts, wait, status);
        self.retries = self.retries.saturating_add(1);
        tokio::time::sleep(wait).await;
    }

    /// The answer the classifier called done.
    fn done(&self, outcome: Outcome, plan: Plan) -> Result<Success, Error> {
        match outcome {
            Ok(a) => Ok(Success {
                status: a.status.as_u16(),
                headers: a.headers,
                body: a.body,
                attempts: self.attempts,
            }),
            // `classify` says `Done` only for an answer.
            other => Err(classify::error_of(
                other,
                self.attempts,
                plan.timeout,
                SystemTime::now(),
            )),
        }
    }
}
