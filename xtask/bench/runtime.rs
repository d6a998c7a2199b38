//! What a call through the generated client costs beside raw reqwest, and
//! what decoding into a carrier costs beside `serde_json::Value`. Built by
//! `cargo xtask bench-client` into a crate of its own (release), beside the
//! generated crate, and run there:
//!
//!     runtime-bench <SAMPLE.json>
//!
//! `SAMPLE.json` is the generated crate's sample answer of
//! `GET /api/v1/Contact/{id}`. A local keep-alive HTTP/1.1 server answers
//! every request with it; both clients send the same request (method, URL,
//! `Accept`, `Authorization`, `SO-AppToken`, `Accept-Language`) and decode
//! the answer into the same carrier, sequentially (taking turns call by
//! call) and with 64 calls in flight (a round of each in turn). Each round
//! gives a ratio; the figures are the medians.

use std::time::{Duration, Instant};

use futures_util::stream::{self, StreamExt};
use superoffice_webapi::types::ContactEntityWithLinks;
use superoffice_webapi::Client;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const SEQUENTIAL: usize = 2_000;
const IN_FLIGHT_CALLS: usize = 6_000;
const IN_FLIGHT: usize = 64;
const ROUNDS: usize = 9;
const DECODES: usize = 20_000;

/// Answers every request on every connection with `body`, keeping the
/// connection open.
async fn serve(listener: tokio::net::TcpListener, body: &'static [u8]) {
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let answer: &'static [u8] = Box::leak([head.as_bytes(), body].concat().into_boxed_slice());
    loop {
        let Ok((mut socket, _)) = listener.accept().await else {
            continue;
        };
        let _ = socket.set_nodelay(true);
        tokio::spawn(async move {
            let mut buf = vec![0u8; 16 * 1024];
            let mut filled = 0;
            loop {
                let Ok(n) = socket.read(&mut buf[filled..]).await else {
                    return;
                };
                if n == 0 {
                    return;
                }
                filled += n;
                // Every complete request head (GETs have no body).
                while let Some(end) = buf[..filled].windows(4).position(|w| w == b"\r\n\r\n") {
                    if socket.write_all(answer).await.is_err() {
                        return;
                    }
                    buf.copy_within(end + 4..filled, 0);
                    filled -= end + 4;
                }
                if filled == buf.len() {
                    return;
                }
            }
        });
    }
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn per_call(d: Duration, calls: usize) -> f64 {
    d.as_secs_f64() * 1e6 / calls as f64
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let sample = std::env::args().nth(1).expect("usage: runtime-bench <SAMPLE.json>");
    let body: &'static [u8] =
        Box::leak(std::fs::read(&sample).expect("the sample answer").into_boxed_slice());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(serve(listener, body));

    let generated = Client::builder(base.clone())
        .bearer("token-for-the-bench")
        .app_token("app-token-for-the-bench")
        .accept_language("en")
        .build()
        .expect("client");
    let raw = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(60))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("reqwest client");
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("accept", "application/json".parse().expect("value"));
    headers.insert("authorization", "Bearer token-for-the-bench".parse().expect("value"));
    headers.insert("so-apptoken", "app-token-for-the-bench".parse().expect("value"));
    headers.insert("accept-language", "en".parse().expect("value"));

    let via_generated = |id: i32| {
        let call = generated.contact_resource().get_contact_entity(id);
        async move { call.await.expect("generated call") }
    };
    let via_raw = |id: i32| {
        let req = raw
            .get(format!("{base}/api/v1/Contact/{id}"))
            .headers(headers.clone());
        async move {
            let bytes = req.send().await.expect("raw call").bytes().await.expect("body");
            serde_json::from_slice::<ContactEntityWithLinks>(&bytes).expect("decodes")
        }
    };

    // Warm up both (connections, allocator).
    for id in 0..200 {
        std::hint::black_box(via_generated(id).await);
        std::hint::black_box(via_raw(id).await);
    }

    // Sequential: the two clients take turns call by call, so drift in
    // the machine hits both alike; each round gives a ratio.
    let (mut g_seq, mut r_seq, mut seq_ratio) = (vec![], vec![], vec![]);
    let (mut g_par, mut r_par, mut par_ratio) = (vec![], vec![], vec![]);
    for _ in 0..ROUNDS {
        let (mut g, mut r) = (Duration::ZERO, Duration::ZERO);
        for id in 0..SEQUENTIAL as i32 {
            let t = Instant::now();
            std::hint::black_box(via_generated(id).await);
            g += t.elapsed();
            let t = Instant::now();
            std::hint::black_box(via_raw(id).await);
            r += t.elapsed();
        }
        g_seq.push(g);
        r_seq.push(r);
        seq_ratio.push(g.as_secs_f64() / r.as_secs_f64());
        // 64 in flight: a round of each, one after the other.
        let t = Instant::now();
        stream::iter(0..IN_FLIGHT_CALLS as i32)
            .map(via_generated)
            .buffer_unordered(IN_FLIGHT)
            .for_each(|c| async move {
                std::hint::black_box(c);
            })
            .await;
        let g = t.elapsed();
        let t = Instant::now();
        stream::iter(0..IN_FLIGHT_CALLS as i32)
            .map(via_raw)
            .buffer_unordered(IN_FLIGHT)
            .for_each(|c| async move {
                std::hint::black_box(c);
            })
            .await;
        let r = t.elapsed();
        g_par.push(g);
        r_par.push(r);
        par_ratio.push(g.as_secs_f64() / r.as_secs_f64());
    }
    let ratio = |mut xs: Vec<f64>| {
        xs.sort_by(f64::total_cmp);
        xs[xs.len() / 2]
    };
    let (gs, rs) = (median(g_seq), median(r_seq));
    let (gp, rp) = (median(g_par), median(r_par));
    println!(
        "GET /api/v1/Contact/{{id}} (answer {} bytes), {ROUNDS} rounds, medians:",
        body.len()
    );
    println!(
        "  sequential ({SEQUENTIAL} calls):   generated {:7.1} µs/call   raw reqwest {:7.1} µs/call   ratio {:.3}",
        per_call(gs, SEQUENTIAL),
        per_call(rs, SEQUENTIAL),
        ratio(seq_ratio)
    );
    println!(
        "  {IN_FLIGHT} in flight ({IN_FLIGHT_CALLS} calls): generated {:7.1} µs/call   raw reqwest {:7.1} µs/call   ratio {:.3}",
        per_call(gp, IN_FLIGHT_CALLS),
        per_call(rp, IN_FLIGHT_CALLS),
        ratio(par_ratio)
    );

    // Decoding alone: the carrier against untyped JSON.
    let (mut carrier, mut value) = (vec![], vec![]);
    for _ in 0..ROUNDS {
        let t = Instant::now();
        for _ in 0..DECODES {
            let c: ContactEntityWithLinks = serde_json::from_slice(body).expect("decodes");
            std::hint::black_box(c);
        }
        carrier.push(t.elapsed());
        let t = Instant::now();
        for _ in 0..DECODES {
            let v: serde_json::Value = serde_json::from_slice(body).expect("decodes");
            std::hint::black_box(v);
        }
        value.push(t.elapsed());
    }
    let (c, v) = (median(carrier), median(value));
    println!(
        "  decode ({DECODES} answers):      carrier {:7.2} µs   serde_json::Value {:7.2} µs   ratio {:.3}",
        per_call(c, DECODES),
        per_call(v, DECODES),
        c.as_secs_f64() / v.as_secs_f64()
    );
}
