//! The load generator: `connections` keep-alive HTTP/1.1 connections on one thread, each
//! sending the next query of the mix as soon as the previous answer is read, for a fixed time
//! (or until told to stop). Latency is measured per request, from send to the last body byte.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;

use crate::mix::{Query, QueryKind};

/// What one load run measured.
#[derive(Debug, Default)]
pub(crate) struct RunStats {
    /// Wall time of the run.
    pub(crate) elapsed: Duration,
    /// Latencies of the successful requests, in microseconds, by query kind.
    pub(crate) latencies: Vec<(QueryKind, u32)>,
    /// Latencies (µs) of the long-tail queries (also counted in `latencies` by kind).
    pub(crate) unseen: Vec<u32>,
    /// Of the one-at-a-time probe's answers: the server's own `took_ms` (µs) and the rest of
    /// the client's latency (µs: the HTTP path, JSON included), per request.
    pub(crate) server_and_rest: Vec<(u32, u32)>,
    /// Under load: each answered search's kind, the server's `took_ms` (µs: from the handler's
    /// start, the wait for a search permit included) and the client's whole latency (µs).
    pub(crate) took_under_load: Vec<(QueryKind, u32, u32)>,
    /// Answers with a status other than 200.
    pub(crate) bad_status: u64,
    /// Connection or protocol errors (the connection is reopened after one).
    pub(crate) transport_errors: u64,
    /// A few examples of the failures, for the report.
    pub(crate) failure_samples: Vec<String>,
    /// CPU time the server process used during the run (when it could be read).
    pub(crate) server_cpu: Option<Duration>,
    /// CPU time the load client (this process) used during the run.
    pub(crate) client_cpu: Option<Duration>,
}

impl RunStats {
    /// Requests that failed, whatever the reason.
    pub(crate) fn failed(&self) -> u64 {
        self.bad_status + self.transport_errors
    }

    /// Successful requests per second.
    pub(crate) fn throughput(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// Milliseconds of `cpu` per successful request (NaN when unknown).
    pub(crate) fn cpu_ms_per_request(&self, cpu: Option<Duration>) -> f64 {
        match cpu {
            Some(cpu) if !self.latencies.is_empty() => {
                cpu.as_secs_f64() * 1000.0 / self.latencies.len() as f64
            }
            _ => f64::NAN,
        }
    }

    /// Sorted latencies (µs) of `kind`, or of every request when `None`.
    pub(crate) fn sorted(&self, kind: Option<QueryKind>) -> Vec<u32> {
        let mut values: Vec<u32> = self
            .latencies
            .iter()
            .filter(|(k, _)| kind.is_none_or(|want| *k == want))
            .map(|(_, v)| *v)
            .collect();
        values.sort_unstable();
        values
    }

    /// Notes the outcome of `query`, sent at `sent`; false when the connection broke (the
    /// caller reopens it).
    fn record(&mut self, query: &Query, sent: Instant, outcome: Result<u16>) -> bool {
        match outcome {
            Ok(200) => {
                let micros = u32::try_from(sent.elapsed().as_micros()).unwrap_or(u32::MAX);
                self.latencies.push((query.kind, micros));
                if query.unseen {
                    self.unseen.push(micros);
                }
                true
            }
            Ok(status) => {
                self.bad_status += 1;
                sample(self, format!("{status} for {}", query.path));
                true
            }
            Err(err) => {
                self.transport_errors += 1;
                sample(self, format!("{err:#} for {}", query.path));
                false
            }
        }
    }

    fn merge(&mut self, other: RunStats) {
        self.latencies.extend(other.latencies);
        self.took_under_load.extend(other.took_under_load);
        self.unseen.extend(other.unseen);
        self.bad_status += other.bad_status;
        self.transport_errors += other.transport_errors;
        for sample in other.failure_samples {
            if self.failure_samples.len() < 5 {
                self.failure_samples.push(sample);
            }
        }
    }
}

/// The `q`-th quantile (0..=1) of sorted values, in milliseconds.
pub(crate) fn quantile_ms(sorted: &[u32], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((sorted.len() - 1) as f64 * q).round() as usize;
    f64::from(sorted[rank.min(sorted.len() - 1)]) / 1000.0
}

/// When a run ends.
#[derive(Debug, Clone)]
pub(crate) enum Until {
    /// After this long.
    Elapsed(Duration),
    /// When the flag is set.
    Flag(Arc<AtomicBool>),
}

/// What the connections send: the popular mix in turn, with every `every`-th request (when
/// `every > 0`) replaced by the next query of the long tail, each asked once.
#[derive(Debug)]
pub(crate) struct Workload {
    popular: Vec<Query>,
    tail: Vec<Query>,
    every: usize,
    next: AtomicUsize,
    next_tail: Arc<AtomicUsize>,
}

impl Workload {
    /// The popular mix alone.
    pub(crate) fn popular(popular: &[Query]) -> Self {
        Self::with_tail(popular, Vec::new(), 0, Arc::default())
    }

    /// The popular mix with one request in `every` from `tail`; `next_tail` is shared by the
    /// workloads of successive runs so no tail query is asked twice (until they run out).
    pub(crate) fn with_tail(
        popular: &[Query],
        tail: Vec<Query>,
        every: usize,
        next_tail: Arc<AtomicUsize>,
    ) -> Self {
        Self {
            popular: popular.to_vec(),
            every: if tail.is_empty() { 0 } else { every },
            tail,
            next: AtomicUsize::new(0),
            next_tail,
        }
    }

    /// The next request to send.
    pub(crate) fn next(&self) -> &Query {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        if self.every > 0 && n % self.every == self.every - 1 {
            let t = self.next_tail.fetch_add(1, Ordering::Relaxed);
            return &self.tail[t % self.tail.len()];
        }
        &self.popular[n % self.popular.len()]
    }
}

/// Runs the load on a single-threaded runtime of its own (the calling thread) and returns
/// what it measured.
pub(crate) fn run(
    addr: SocketAddr,
    workload: Arc<Workload>,
    connections: usize,
    until: Until,
) -> Result<RunStats> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let started = Instant::now();
        let stop = Arc::new(AtomicBool::new(false));
        let mut tasks = Vec::new();
        for _ in 0..connections {
            let (workload, stop) = (workload.clone(), stop.clone());
            tasks.push(tokio::spawn(async move {
                connection(addr, &workload, &stop).await
            }));
        }
        match until {
            Until::Elapsed(duration) => tokio::time::sleep(duration).await,
            Until::Flag(flag) => {
                while !flag.load(Ordering::Relaxed) {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        }
        stop.store(true, Ordering::Relaxed);
        let mut total = RunStats::default();
        for task in tasks {
            total.merge(task.await.context("a load connection panicked")?);
        }
        total.elapsed = started.elapsed();
        Ok(total)
    })
}

/// Sends every query of the mix `rounds` times, one at a time, on one keep-alive connection.
pub(crate) fn probe(addr: SocketAddr, mix: &[Query], rounds: usize) -> Result<RunStats> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let started = Instant::now();
        let mut stats = RunStats::default();
        let mut sender = open(addr).await?;
        for query in mix {
            for _ in 0..rounds {
                let sent = Instant::now();
                let outcome = request(&mut sender, &addr.to_string(), &query.path).await;
                let latency = sent.elapsed();
                let body = outcome.as_ref().ok().map(|(_, body)| body.clone());
                if !stats.record(query, sent, outcome.map(|(status, _)| status)) {
                    sender = open(addr).await?;
                }
                if let Some(took) = body.as_deref().and_then(took_micros) {
                    let total = u32::try_from(latency.as_micros()).unwrap_or(u32::MAX);
                    stats
                        .server_and_rest
                        .push((took, total.saturating_sub(took)));
                }
            }
        }
        stats.elapsed = started.elapsed();
        Ok(stats)
    })
}

async fn connection(addr: SocketAddr, workload: &Workload, stop: &AtomicBool) -> RunStats {
    let mut stats = RunStats::default();
    let mut sender: Option<SendRequest<Empty<Bytes>>> = None;
    let host = addr.to_string();
    while !stop.load(Ordering::Relaxed) {
        let query = workload.next();
        if sender.is_none() {
            match open(addr).await {
                Ok(s) => sender = Some(s),
                Err(err) => {
                    stats.transport_errors += 1;
                    sample(&mut stats, format!("connect: {err}"));
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            }
        }
        let Some(open_sender) = sender.as_mut() else {
            continue;
        };
        let started = Instant::now();
        let outcome = request(open_sender, &host, &query.path).await;
        let took = outcome
            .as_ref()
            .ok()
            .and_then(|(_, body)| took_micros_scanned(body));
        let latency = u32::try_from(started.elapsed().as_micros()).unwrap_or(u32::MAX);
        if !stats.record(query, started, outcome.map(|(status, _)| status)) {
            sender = None;
        }
        if let Some(took) = took {
            stats.took_under_load.push((query.kind, took, latency));
        }
    }
    stats
}

fn sample(stats: &mut RunStats, message: String) {
    if stats.failure_samples.len() < 5 {
        stats.failure_samples.push(message);
    }
}

async fn open(addr: SocketAddr) -> Result<SendRequest<Empty<Bytes>>> {
    let stream = tokio::net::TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(sender)
}

/// Sends one GET and reads the whole answer: its status and body.
async fn request(
    sender: &mut SendRequest<Empty<Bytes>>,
    host: &str,
    path: &str,
) -> Result<(u16, Bytes)> {
    sender.ready().await?;
    let request = hyper::Request::get(path)
        .header(hyper::header::HOST, host)
        .body(Empty::new())?;
    let response = sender.send_request(request).await?;
    let status = response.status().as_u16();
    let body = response.into_body().collect().await?.to_bytes();
    Ok((status, body))
}

/// The server's `took_ms` of a `/api/search` answer, in microseconds.
fn took_micros(body: &[u8]) -> Option<u32> {
    #[derive(serde::Deserialize)]
    struct Took {
        took_ms: f64,
    }
    let took: Took = serde_json::from_slice(body).ok()?;
    Some((took.took_ms * 1000.0).round() as u32)
}

/// [`took_micros`] without parsing the answer: the number after the first `"took_ms":`
/// (the load client reads every answer, so it reads this one cheaply).
fn took_micros_scanned(body: &[u8]) -> Option<u32> {
    const KEY: &[u8] = b"\"took_ms\":";
    let at = body.windows(KEY.len()).position(|w| w == KEY)? + KEY.len();
    let rest = &body[at..];
    let end = rest
        .iter()
        .position(|b| !(b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+')))
        .unwrap_or(rest.len());
    let took: f64 = std::str::from_utf8(&rest[..end]).ok()?.parse().ok()?;
    Some((took * 1000.0).round() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(path: &str, unseen: bool) -> Query {
        Query {
            kind: QueryKind::Short,
            path: path.to_owned(),
            unseen,
        }
    }

    #[test]
    fn took_ms_is_read_from_an_answer_without_parsing_it() {
        let body = br#"{"query":"took_ms","total":3,"took_ms":0.412,"hits":[{"took_ms":9}]}"#;
        assert_eq!(took_micros_scanned(body), Some(412));
        assert_eq!(took_micros_scanned(body), took_micros(body));
        assert_eq!(took_micros_scanned(br#"{"took_ms":12}"#), Some(12_000));
        assert_eq!(took_micros_scanned(br#"{"total":3}"#), None);
    }

    #[test]
    fn one_request_in_n_comes_from_the_tail_and_none_twice() {
        let popular = [query("/a", false), query("/b", false)];
        let tail: Vec<Query> = (0..100).map(|i| query(&format!("/t{i}"), true)).collect();
        let shared = Arc::new(AtomicUsize::new(0));
        let first = Workload::with_tail(&popular, tail.clone(), 4, shared.clone());
        let sent: Vec<String> = (0..8).map(|_| first.next().path.clone()).collect();
        assert_eq!(sent, ["/a", "/b", "/a", "/t0", "/a", "/b", "/a", "/t1"]);
        // The next run goes on with the tail where the last one stopped.
        let second = Workload::with_tail(&popular, tail, 4, shared);
        let sent: Vec<String> = (0..4).map(|_| second.next().path.clone()).collect();
        assert_eq!(sent[3], "/t2");
        let alone = Workload::popular(&popular);
        assert!((0..10).all(|_| !alone.next().unseen));
    }
}
