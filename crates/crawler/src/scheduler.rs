//! Per-host politeness, apart from fetching: when the next request to a host may start
//! (AIMD delay, `Retry-After`, pauses that grow only with *consecutive* throttling), when a
//! URL that failed may be retried, and when a host counts as down.
//!
//! One [`HostScheduler`] describes one host; a crawl of several hosts keeps one each and asks
//! each for its [`HostScheduler::next_due`] time. Every method takes the current instant, so
//! the policy is tested without sleeping.
//!
//! - **AIMD**: a throttling signal (429, 503, flood page) or a server error multiplies the
//!   host's delay by [`INCREASE_FACTOR`] (from at least the minimum delay or the last fetch
//!   time), bounded by `max_delay_ms`; after [`RECOVER_AFTER`] successes in a row every further
//!   success takes a step of a quarter of the minimum delay (at least [`MIN_STEP`]) off it,
//!   back down to the configured minimum (with no minimum, it halves down to zero).
//! - **Retry-After** (seconds or HTTP date) pauses the host exactly that long, capped by
//!   `max_backoff_ms`. Without it, a single throttle only raises the delay; from the
//!   [`ESCALATE_AFTER`]th consecutive throttle on, the host pauses `backoff_ms`, doubled at each
//!   further one.
//! - **Per-URL retries**: the failed URL waits `backoff_ms` doubled per attempt (or the
//!   `Retry-After`) while the host serves other URLs.
//! - **Host down**: `host_down_failures` failed requests in a row (connection errors, timeouts,
//!   5xx) spanning at least `host_down_after_ms`.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use rand::Rng;

use crate::config::CrawlerConfig;

/// Factor applied to the host delay on a throttling signal or server error.
pub(crate) const INCREASE_FACTOR: u32 = 2;
/// Successes in a row after which the delay starts to come down.
pub(crate) const RECOVER_AFTER: u32 = 3;
/// Smallest step of the delay's decrease.
pub(crate) const MIN_STEP: Duration = Duration::from_millis(5);
/// The consecutive throttle from which the host pauses (the first ones only raise the delay).
pub(crate) const ESCALATE_AFTER: u32 = 3;

/// How a request to the host went, as far as politeness is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Signal {
    /// An answer that is not an error (2xx, 3xx, 304, 4xx other than 429).
    Success,
    /// The host asked us to slow down: 429, 503 or the flood page, with the wait it asked for
    /// (`Retry-After` or the flood page's "Hãy đợi N giây").
    Throttled {
        /// The wait the host asked for.
        retry_after: Option<Duration>,
        /// Whether it came with a 5xx status (503), which also counts towards "host down".
        server_error: bool,
    },
    /// A server error other than 503, a timeout or a connection failure.
    Failed,
}

/// The politeness settings, read from the crawler configuration (and robots.txt).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Policy {
    /// Configured minimum delay between two requests.
    pub(crate) min_delay: Duration,
    /// Upper bound of the adaptive delay.
    pub(crate) max_delay: Duration,
    /// The delay is at least this factor times the last fetch time.
    pub(crate) delay_factor: f64,
    /// Random extra wait, as a fraction of the wait.
    pub(crate) jitter: f64,
    /// robots.txt `Crawl-delay` (already capped).
    pub(crate) crawl_delay: Duration,
    /// First pause / retry wait without `Retry-After`, doubled at each step.
    pub(crate) backoff: Duration,
    /// Longest pause, retry wait or `Retry-After` honoured.
    pub(crate) max_backoff: Duration,
    /// Failures in a row that may mean the host is down.
    pub(crate) host_down_failures: u32,
    /// ...when they span at least this long.
    pub(crate) host_down_after: Duration,
}

impl Policy {
    /// The policy of a configuration (without robots.txt `Crawl-delay`).
    pub(crate) fn from_config(c: &CrawlerConfig) -> Self {
        Self {
            min_delay: Duration::from_millis(c.min_delay_ms),
            max_delay: Duration::from_millis(c.max_delay_ms.max(c.min_delay_ms)),
            delay_factor: c.delay_factor,
            jitter: c.jitter,
            crawl_delay: Duration::ZERO,
            backoff: Duration::from_millis(c.backoff_ms),
            max_backoff: Duration::from_millis(c.max_backoff_ms),
            host_down_failures: c.host_down_failures.max(1),
            host_down_after: Duration::from_millis(c.host_down_after_ms),
        }
    }

    /// Sets the robots.txt `Crawl-delay` (seconds), capped at `max_secs`.
    pub(crate) fn with_crawl_delay(mut self, secs: Option<f64>, max_secs: f64) -> Self {
        let secs = secs.unwrap_or(0.0).min(max_secs);
        self.crawl_delay = if secs.is_finite() && secs > 0.0 {
            Duration::from_secs_f64(secs)
        } else {
            Duration::ZERO
        };
        self
    }

    /// `backoff × 2^(n-1)`, capped by `max_backoff` (n >= 1).
    fn doubled(&self, n: u32) -> Duration {
        let factor = 1u32 << n.saturating_sub(1).min(20);
        self.backoff.saturating_mul(factor).min(self.max_backoff)
    }

    /// How long a URL waits before its `attempt`th retry (1 = first retry): the host's
    /// `Retry-After` when given (capped), else `backoff` doubled per attempt.
    pub(crate) fn retry_wait(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        match retry_after {
            Some(r) => r.min(self.max_backoff),
            None => self.doubled(attempt.max(1)),
        }
    }
}

/// The politeness state of one host.
#[derive(Debug, Clone)]
pub(crate) struct HostScheduler {
    policy: Policy,
    /// The adaptive part of the delay (AIMD), never below `min_delay`.
    delay: Duration,
    last_fetch_time: Duration,
    last_finish: Option<Instant>,
    pause_until: Option<Instant>,
    consecutive_throttles: u32,
    successes: u32,
    consecutive_failures: u32,
    failing_since: Option<Instant>,
}

impl HostScheduler {
    /// A host nothing was asked of yet.
    pub(crate) fn new(policy: Policy) -> Self {
        Self {
            delay: policy.min_delay,
            policy,
            last_fetch_time: Duration::ZERO,
            last_finish: None,
            pause_until: None,
            consecutive_throttles: 0,
            successes: 0,
            consecutive_failures: 0,
            failing_since: None,
        }
    }

    /// The policy in force.
    pub(crate) fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Replaces the policy (e.g. once robots.txt gave a `Crawl-delay`), keeping the state.
    pub(crate) fn set_policy(&mut self, policy: Policy) {
        self.delay = self.delay.max(policy.min_delay).min(policy.max_delay);
        self.policy = policy;
    }

    /// The current adaptive delay (shown to the operator).
    pub(crate) fn current_delay(&self) -> Duration {
        self.delay
    }

    /// Whether waits are configured away entirely (a local mirror at `--delay-ms 0`) and no
    /// throttling raised them: then requests follow each other without any timer.
    pub(crate) fn is_unthrottled(&self) -> bool {
        self.delay.is_zero()
            && self.policy.delay_factor == 0.0
            && self.policy.crawl_delay.is_zero()
            && self.pause_until.is_none()
    }

    /// The wait after the last request, without jitter.
    fn base_wait(&self) -> Duration {
        let adaptive = self
            .last_fetch_time
            .mul_f64(self.policy.delay_factor)
            .min(self.policy.max_delay);
        self.delay.max(adaptive).max(self.policy.crawl_delay)
    }

    /// When the next request to this host may start (`now` if it may start at once).
    pub(crate) fn next_due(&self, now: Instant) -> Instant {
        let mut due = now;
        if let Some(last) = self.last_finish {
            let mut wait = self.base_wait();
            if self.policy.jitter > 0.0 && !wait.is_zero() {
                let extra: f64 = rand::rng().random_range(0.0..=self.policy.jitter);
                wait += wait.mul_f64(extra);
            }
            due = due.max(last + wait);
        }
        if let Some(p) = self.pause_until {
            due = due.max(p);
        }
        due
    }

    /// Records the outcome of a request that took `fetch_time` and ended at `now`.
    pub(crate) fn record(&mut self, now: Instant, fetch_time: Duration, signal: Signal) {
        self.last_finish = Some(now);
        self.last_fetch_time = fetch_time;
        if self.pause_until.is_some_and(|p| p <= now) {
            self.pause_until = None;
        }
        match signal {
            Signal::Success => {
                self.consecutive_throttles = 0;
                self.consecutive_failures = 0;
                self.failing_since = None;
                self.successes += 1;
                if self.successes > RECOVER_AFTER {
                    self.delay = self.decreased();
                }
            }
            Signal::Throttled {
                retry_after,
                server_error,
            } => {
                self.successes = 0;
                self.consecutive_throttles += 1;
                self.increase(fetch_time);
                if server_error {
                    self.note_failure(now);
                }
                let pause = match retry_after {
                    Some(r) => Some(r.min(self.policy.max_backoff)),
                    None if self.consecutive_throttles >= ESCALATE_AFTER => Some(
                        self.policy
                            .doubled(self.consecutive_throttles - ESCALATE_AFTER + 1),
                    ),
                    None => None,
                };
                if let Some(p) = pause {
                    let until = now + p;
                    self.pause_until = Some(self.pause_until.map_or(until, |u| u.max(until)));
                }
            }
            Signal::Failed => {
                self.successes = 0;
                self.increase(fetch_time);
                self.note_failure(now);
                // Errors in a row (a host in trouble) pause like consecutive throttles.
                if self.consecutive_failures >= ESCALATE_AFTER {
                    let p = self
                        .policy
                        .doubled(self.consecutive_failures - ESCALATE_AFTER + 1);
                    let until = now + p;
                    self.pause_until = Some(self.pause_until.map_or(until, |u| u.max(until)));
                }
            }
        }
    }

    /// The delay after one more success past [`RECOVER_AFTER`]: a step of a quarter of the
    /// minimum delay; with no minimum (a local mirror at `--delay-ms 0`, where the delay was
    /// seeded from a fetch time) it halves, so a burst of throttles costs a few requests'
    /// worth of waiting rather than a linear walk down in [`MIN_STEP`]s.
    fn decreased(&self) -> Duration {
        let min = self.policy.min_delay;
        if min.is_zero() {
            let half = self.delay / 2;
            return if half < MIN_STEP {
                Duration::ZERO
            } else {
                half
            };
        }
        self.delay.saturating_sub((min / 4).max(MIN_STEP)).max(min)
    }

    fn increase(&mut self, fetch_time: Duration) {
        let seed = self.policy.min_delay.max(fetch_time).max(MIN_STEP);
        self.delay = (self.delay * INCREASE_FACTOR)
            .max(seed)
            .min(self.policy.max_delay.max(self.policy.min_delay));
    }

    fn note_failure(&mut self, now: Instant) {
        self.consecutive_failures += 1;
        self.failing_since.get_or_insert(now);
    }

    /// Whether the host looks down: every request failed for a while.
    pub(crate) fn is_down(&self, now: Instant) -> bool {
        self.consecutive_failures >= self.policy.host_down_failures
            && self
                .failing_since
                .is_some_and(|s| now.duration_since(s) >= self.policy.host_down_after)
    }

    /// Failed requests in a row.
    pub(crate) fn consecutive_failures(&self) -> u32 {
        self.consecutive_failures
    }
}

/// Parses `Retry-After` (delay in seconds or an HTTP date) into a wait from `now`.
pub(crate) fn retry_after(value: Option<&str>, now: DateTime<Utc>) -> Option<Duration> {
    let v = value?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = DateTime::parse_from_rfc2822(v).ok()?;
    let ms = (when.with_timezone(&Utc) - now).num_milliseconds();
    Some(Duration::from_millis(ms.max(0) as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> Policy {
        Policy {
            min_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(1_000),
            delay_factor: 0.0,
            jitter: 0.0,
            crawl_delay: Duration::ZERO,
            backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(60),
            host_down_failures: 4,
            host_down_after: Duration::from_secs(10),
        }
    }

    const MS: Duration = Duration::from_millis(1);
    const THROTTLE: Signal = Signal::Throttled {
        retry_after: None,
        server_error: true,
    };

    #[test]
    fn retry_after_seconds_and_http_date() {
        let now = DateTime::parse_from_rfc3339("2015-10-21T07:27:30Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(retry_after(Some("7"), now), Some(Duration::from_secs(7)));
        assert_eq!(
            retry_after(Some(" 120 "), now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            retry_after(Some("Wed, 21 Oct 2015 07:28:00 GMT"), now),
            Some(Duration::from_secs(30))
        );
        // A date in the past means "now".
        assert_eq!(
            retry_after(Some("Wed, 21 Oct 2015 07:00:00 GMT"), now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after(Some("soon"), now), None);
        assert_eq!(retry_after(None, now), None);
    }

    #[test]
    fn retry_after_pauses_the_host_exactly_and_is_capped() {
        let mut h = HostScheduler::new(policy());
        let t0 = Instant::now();
        h.record(
            t0,
            10 * MS,
            Signal::Throttled {
                retry_after: Some(Duration::from_secs(7)),
                server_error: false,
            },
        );
        assert_eq!(h.next_due(t0), t0 + Duration::from_secs(7));
        let mut h = HostScheduler::new(policy());
        h.record(
            t0,
            10 * MS,
            Signal::Throttled {
                retry_after: Some(Duration::from_secs(3600)),
                server_error: false,
            },
        );
        assert_eq!(h.next_due(t0), t0 + Duration::from_secs(60), "max_backoff");
    }

    #[test]
    fn aimd_up_on_throttles_and_down_on_a_run_of_successes() {
        let mut h = HostScheduler::new(policy());
        let mut t = Instant::now();
        h.record(t, 10 * MS, Signal::Success);
        assert_eq!(h.next_due(t), t + 100 * MS, "the minimum delay");
        h.record(t, 10 * MS, THROTTLE);
        assert_eq!(h.current_delay(), 200 * MS);
        assert_eq!(h.next_due(t), t + 200 * MS, "one throttle: no pause");
        h.record(t, 10 * MS, Signal::Success);
        h.record(t, 10 * MS, THROTTLE);
        assert_eq!(h.current_delay(), 400 * MS, "multiplied again");
        for _ in 0..3 {
            h.record(t, 10 * MS, THROTTLE);
        }
        assert_eq!(h.current_delay(), 1_000 * MS, "bounded by max_delay");
        // Decay: the first RECOVER_AFTER successes keep the delay, then 25 ms steps.
        for _ in 0..RECOVER_AFTER {
            t += Duration::from_secs(1);
            h.record(t, 10 * MS, Signal::Success);
        }
        assert_eq!(h.current_delay(), 1_000 * MS);
        h.record(t, 10 * MS, Signal::Success);
        assert_eq!(h.current_delay(), 975 * MS);
        for _ in 0..100 {
            h.record(t, 10 * MS, Signal::Success);
        }
        assert_eq!(
            h.current_delay(),
            100 * MS,
            "back to the minimum, not below"
        );
    }

    #[test]
    fn only_consecutive_throttles_escalate_to_pauses() {
        let mut h = HostScheduler::new(policy());
        let t = Instant::now();
        // Throttles separated by successes never pause the host.
        for _ in 0..10 {
            h.record(t, 10 * MS, THROTTLE);
            assert!(h.next_due(t) <= t + 1_000 * MS);
            h.record(t, 10 * MS, Signal::Success);
        }
        // Three in a row: a pause of `backoff`, then doubled.
        let mut h = HostScheduler::new(policy());
        h.record(t, 10 * MS, THROTTLE);
        h.record(t, 10 * MS, THROTTLE);
        assert_eq!(h.next_due(t), t + 400 * MS, "two in a row: delay only");
        h.record(t, 10 * MS, THROTTLE);
        assert_eq!(h.next_due(t), t + 800 * MS, "delay 800 > pause 500");
        h.record(t, 10 * MS, THROTTLE);
        assert_eq!(h.next_due(t), t + 1_000 * MS);
        h.record(t, 10 * MS, THROTTLE);
        assert_eq!(h.next_due(t), t + 2_000 * MS, "pause 500 × 4");
    }

    #[test]
    fn zero_delay_means_no_wait_until_throttled() {
        let p = Policy {
            min_delay: Duration::ZERO,
            max_delay: Duration::ZERO,
            ..policy()
        };
        let mut h = HostScheduler::new(p);
        let t = Instant::now();
        h.record(t, 20 * MS, Signal::Success);
        assert!(h.is_unthrottled());
        assert_eq!(h.next_due(t), t);
        // max_delay 0 keeps the AIMD delay at 0; a throttle without Retry-After costs nothing
        // for the host (the URL itself waits).
        h.record(t, 20 * MS, THROTTLE);
        assert_eq!(h.next_due(t), t);
        let p = Policy {
            min_delay: Duration::ZERO,
            max_delay: Duration::from_secs(30),
            ..policy()
        };
        let mut h = HostScheduler::new(p);
        h.record(t, 20 * MS, THROTTLE);
        assert_eq!(
            h.next_due(t),
            t + 20 * MS,
            "from the fetch time, not a minute"
        );
        assert!(!h.is_unthrottled());
        // Two throttles in a row, then successes: the delay halves back to no wait at all.
        h.record(t, 20 * MS, THROTTLE);
        assert_eq!(h.current_delay(), 40 * MS);
        let mut delays = Vec::new();
        for _ in 0..RECOVER_AFTER + 4 {
            h.record(t, 20 * MS, Signal::Success);
            delays.push(h.current_delay().as_millis());
        }
        assert_eq!(delays, [40, 40, 40, 20, 10, 5, 0]);
        assert!(h.is_unthrottled());
    }

    #[test]
    fn per_url_retry_waits_double_and_honour_retry_after() {
        let p = policy();
        assert_eq!(p.retry_wait(1, None), 500 * MS);
        assert_eq!(p.retry_wait(2, None), 1_000 * MS);
        assert_eq!(p.retry_wait(3, None), 2_000 * MS);
        assert_eq!(p.retry_wait(40, None), Duration::from_secs(60));
        assert_eq!(
            p.retry_wait(1, Some(Duration::from_secs(9))),
            Duration::from_secs(9)
        );
    }

    #[test]
    fn host_down_needs_failures_in_a_row_for_a_while() {
        let mut h = HostScheduler::new(policy());
        let t0 = Instant::now();
        for i in 0..10 {
            h.record(
                t0 + Duration::from_millis(i),
                Duration::ZERO,
                Signal::Failed,
            );
        }
        assert!(
            !h.is_down(t0 + Duration::from_millis(10)),
            "not for long yet"
        );
        assert!(h.is_down(t0 + Duration::from_secs(11)));
        // One answer resets it.
        h.record(
            t0 + Duration::from_secs(11),
            Duration::ZERO,
            Signal::Success,
        );
        assert!(!h.is_down(t0 + Duration::from_secs(12)));
        // A flood limit (429) is not "down".
        for i in 0..10 {
            h.record(
                t0 + Duration::from_secs(20 + i),
                Duration::ZERO,
                Signal::Throttled {
                    retry_after: Some(Duration::from_secs(1)),
                    server_error: false,
                },
            );
        }
        assert!(!h.is_down(t0 + Duration::from_secs(60)));
        assert_eq!(h.consecutive_failures(), 0);
    }

    #[test]
    fn failures_in_a_row_pause_the_host() {
        let mut h = HostScheduler::new(policy());
        let t = Instant::now();
        h.record(t, Duration::ZERO, Signal::Failed);
        h.record(t, Duration::ZERO, Signal::Failed);
        assert_eq!(h.next_due(t), t + 400 * MS);
        h.record(t, Duration::ZERO, Signal::Failed);
        h.record(t, Duration::ZERO, Signal::Failed);
        h.record(t, Duration::ZERO, Signal::Failed);
        assert_eq!(h.next_due(t), t + 2_000 * MS);
    }

    #[test]
    fn polite_defaults_stay_under_nukeviet_flood_limits() {
        // 2,000 requests with fetch times from 30 ms to 3 s and a throttle now and then:
        // never more than 40 request starts in a minute nor 150 in five minutes.
        let policy = Policy::from_config(&CrawlerConfig::default());
        let mut h = HostScheduler::new(policy);
        let t0 = Instant::now();
        let mut now = t0;
        let mut starts = Vec::new();
        for i in 0u64..2_000 {
            now = h.next_due(now).max(now);
            starts.push(now.duration_since(t0));
            let fetch = Duration::from_millis(30 + (i * 7919) % 3_000);
            now += fetch;
            let signal = if i % 17 == 0 {
                THROTTLE
            } else {
                Signal::Success
            };
            h.record(now, fetch, signal);
        }
        for (window, limit) in [(60, 40), (300, 150)] {
            let window = Duration::from_secs(window);
            let mut lo = 0;
            for hi in 0..starts.len() {
                while starts[hi] - starts[lo] >= window {
                    lo += 1;
                }
                assert!(hi - lo < limit, "{} starts within {window:?}", hi - lo + 1);
            }
        }
    }
}
