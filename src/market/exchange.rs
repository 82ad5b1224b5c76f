//! Trading hours of the exchanges a symbol can trade on, keyed by Yahoo's symbol suffix,
//! and the market state of any symbol at any instant.
//!
//! Sessions are kept as local wall-clock minutes and every question is answered through
//! the exchange's own time zone, so daylight-saving changes move a session's UTC times
//! along with the zone. The calendar (`calendar.rs`) closes holidays and shortens half days.

use chrono::{
    DateTime, Datelike, MappedLocalTime, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeDelta, TimeZone,
    Timelike, Utc, Weekday,
};
use chrono_tz::{America, Asia, Australia, Europe, Tz};

use super::calendar::Calendar;

/// Where an exchange is in its trading day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SessionState {
    Pre,
    Open,
    Lunch,
    Post,
    Closed,
}

impl SessionState {
    pub fn label(self) -> &'static str {
        match self {
            SessionState::Pre => "pre",
            SessionState::Open => "open",
            SessionState::Lunch => "lunch",
            SessionState::Post => "post",
            SessionState::Closed => "closed",
        }
    }

    /// Lunch counts as a pause, not as trading: prices do not move during it.
    pub fn is_trading(self) -> bool {
        matches!(self, SessionState::Pre | SessionState::Open | SessionState::Post)
    }
}

/// A half-open `[start, end)` range of minutes of the local day; `end` may be 1440.
type Span = (u32, u32);

/// A regular session as `[open, close)` in UTC.
type Session = (DateTime<Utc>, DateTime<Utc>);

const fn hm(hour: u32, minute: u32) -> u32 {
    hour * 60 + minute
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Hours {
    /// Sessions inside each weekday. `regular` is sorted; the gaps between its spans are lunch.
    Daily { regular: &'static [Span], pre: Option<Span>, post: Option<Span> },
    /// One unbroken session per weekday, opening at `roll` on the evening before its date
    /// and closing at `roll` on it, the way FX trades: Monday's session opens on Sunday.
    Rolling { roll: u32 },
}

/// One local date's sessions, after the calendar has had its say.
#[derive(Debug, Clone, Copy)]
struct Day {
    /// At most two regular spans (one lunch between them), in order.
    regular: [Option<Span>; 2],
    pre: Option<Span>,
    post: Option<Span>,
}

impl Day {
    fn spans(&self) -> impl Iterator<Item = Span> + '_ {
        self.regular.iter().flatten().copied().chain(self.pre).chain(self.post)
    }

    fn state(&self, minute: u32) -> SessionState {
        let within = |(start, end): Span| start <= minute && minute < end;
        if self.regular.iter().flatten().any(|&span| within(span)) {
            SessionState::Open
        } else if let [Some(a), Some(b)] = self.regular
            && within((a.1, b.0))
        {
            SessionState::Lunch
        } else if self.pre.is_some_and(within) {
            SessionState::Pre
        } else if self.post.is_some_and(within) {
            SessionState::Post
        } else {
            SessionState::Closed
        }
    }
}

/// One trading venue: where it is and when it trades.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Exchange {
    pub code: &'static str,
    /// Short label for a clock showing the exchange's local time.
    pub label: &'static str,
    pub city: &'static str,
    pub tz: Tz,
    /// Yahoo symbol suffixes (after the last '.') that trade here.
    suffixes: &'static [&'static str],
    hours: Hours,
}

const fn daily(
    code: &'static str,
    label: &'static str,
    city: &'static str,
    tz: Tz,
    suffixes: &'static [&'static str],
    regular: &'static [Span],
) -> Exchange {
    Exchange { code, label, city, tz, suffixes, hours: Hours::Daily { regular, pre: None, post: None } }
}

const EURONEXT_DAY: &[Span] = &[(hm(9, 0), hm(17, 30))];

// Where the entries that are not found by suffix stand in EXCHANGES, found by their code when the
// program is built (a row added or moved cannot make them point at another exchange).
const US: usize = at("US");
const FX: usize = at("FX");
const OTHER: usize = at("OTHER");

/// The index of the first entry of EXCHANGES with this code; the build fails when there is none.
const fn at(code: &str) -> usize {
    let mut i = 0;
    while i < EXCHANGES.len() {
        if same(EXCHANGES[i].code.as_bytes(), code.as_bytes()) {
            return i;
        }
        i += 1;
    }
    panic!("no exchange with this code in EXCHANGES")
}

/// `a == b`, which is not yet a `const fn` for slices.
const fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

static EXCHANGES: [Exchange; 22] = [
    Exchange {
        code: "US",
        label: "NY",
        city: "New York",
        tz: America::New_York,
        suffixes: &[],
        hours: Hours::Daily {
            regular: &[(hm(9, 30), hm(16, 0))],
            pre: Some((hm(4, 0), hm(9, 30))),
            post: Some((hm(16, 0), hm(20, 0))),
        },
    },
    daily(
        "HKEX",
        "HK",
        "Hong Kong",
        Asia::Hong_Kong,
        &["HK"],
        &[(hm(9, 30), hm(12, 0)), (hm(13, 0), hm(16, 0))],
    ),
    daily(
        "SSE",
        "SH",
        "Shanghai",
        Asia::Shanghai,
        &["SS"],
        &[(hm(9, 30), hm(11, 30)), (hm(13, 0), hm(15, 0))],
    ),
    daily(
        "SZSE",
        "SZ",
        "Shenzhen",
        Asia::Shanghai,
        &["SZ"],
        &[(hm(9, 30), hm(11, 30)), (hm(13, 0), hm(15, 0))],
    ),
    daily("TWSE", "TW", "Taipei", Asia::Taipei, &["TW"], &[(hm(9, 0), hm(13, 30))]),
    daily("TPEx", "TW", "Taipei", Asia::Taipei, &["TWO"], &[(hm(9, 0), hm(13, 30))]),
    daily("Euronext", "AMS", "Amsterdam", Europe::Amsterdam, &["AS"], EURONEXT_DAY),
    daily("Euronext", "PAR", "Paris", Europe::Paris, &["PA"], EURONEXT_DAY),
    daily("Euronext", "BRU", "Brussels", Europe::Brussels, &["BR"], EURONEXT_DAY),
    // Borsa Italiana has been Euronext Milan since 2021.
    daily("Euronext", "MIL", "Milan", Europe::Rome, &["MI"], EURONEXT_DAY),
    // Yahoo's .F quotes (Börse Frankfurt) follow Xetra's hours closely enough for a clock.
    daily("Xetra", "FRA", "Frankfurt", Europe::Berlin, &["DE", "F"], &[(hm(9, 0), hm(17, 30))]),
    daily("LSE", "LDN", "London", Europe::London, &["L"], &[(hm(8, 0), hm(16, 30))]),
    // KOSDAQ (.KQ) is a KRX market with the same hours.
    daily("KRX", "SEL", "Seoul", Asia::Seoul, &["KS", "KQ"], &[(hm(9, 0), hm(15, 30))]),
    daily("TSE", "TYO", "Tokyo", Asia::Tokyo, &["T"], &[(hm(9, 0), hm(11, 30)), (hm(12, 30), hm(15, 30))]),
    daily("SIX", "ZRH", "Zurich", Europe::Zurich, &["SW"], &[(hm(9, 0), hm(17, 30))]),
    // TSX Venture (.V) keeps the TSX's hours.
    daily("TSX", "TOR", "Toronto", America::Toronto, &["TO", "V"], &[(hm(9, 30), hm(16, 0))]),
    daily("ASX", "SYD", "Sydney", Australia::Sydney, &["AX"], &[(hm(10, 0), hm(16, 0))]),
    daily("NSE", "BOM", "Mumbai", Asia::Kolkata, &["NS"], &[(hm(9, 15), hm(15, 30))]),
    daily("BSE", "BOM", "Mumbai", Asia::Kolkata, &["BO"], &[(hm(9, 15), hm(15, 30))]),
    daily(
        "SGX",
        "SIN",
        "Singapore",
        Asia::Singapore,
        &["SI"],
        &[(hm(9, 0), hm(12, 0)), (hm(13, 0), hm(17, 0))],
    ),
    Exchange {
        code: "FX",
        label: "FX",
        city: "New York",
        tz: America::New_York,
        suffixes: &[],
        hours: Hours::Rolling { roll: hm(17, 0) },
    },
    // Keeps symbols from unknown venues usable: a weekday-only market on UTC.
    daily("OTHER", "UTC", "UTC", chrono_tz::UTC, &[], &[(0, hm(24, 0))]),
];

/// Yahoo index symbols of non-US markets, with the suffix of their home market; every
/// other `^` symbol is taken to be a US index.
static INDICES: &[(&str, &str)] = &[
    ("^HSI", "HK"),
    ("^HSCE", "HK"),
    ("^HSTECH", "HK"),
    ("^N225", "T"),
    ("^FTSE", "L"),
    ("^FTMC", "L"),
    ("^GDAXI", "DE"),
    ("^TECDAX", "DE"),
    ("^FCHI", "PA"),
    ("^AEX", "AS"),
    ("^BFX", "BR"),
    ("^KS11", "KS"),
    ("^KQ11", "KQ"),
    ("^TWII", "TW"),
    ("^AXJO", "AX"),
    ("^AORD", "AX"),
    ("^NSEI", "NS"),
    ("^NSEBANK", "NS"),
    ("^BSESN", "BO"),
    ("^GSPTSE", "TO"),
    ("^SSMI", "SW"),
    ("^STI", "SI"),
];

/// The exchange a Yahoo symbol trades on: FX for `…=X`, the home market for a known
/// `^` index, otherwise by the suffix after the last '.' (none means US, an unknown one
/// the generic weekday-only "OTHER"). Case does not matter.
pub fn exchange_for(symbol: &str) -> &'static Exchange {
    let symbol = symbol.trim();
    let bytes = symbol.as_bytes();
    if bytes.len() >= 2 && bytes[bytes.len() - 2..].eq_ignore_ascii_case(b"=X") {
        return &EXCHANGES[FX];
    }
    if symbol.starts_with('^') {
        return INDICES
            .iter()
            .find(|(index, _)| index.eq_ignore_ascii_case(symbol))
            .and_then(|&(_, suffix)| by_suffix(suffix))
            .unwrap_or(&EXCHANGES[US]);
    }
    match symbol.rsplit_once('.') {
        None => &EXCHANGES[US],
        Some((_, suffix)) => by_suffix(suffix).unwrap_or(&EXCHANGES[OTHER]),
    }
}

fn by_suffix(suffix: &str) -> Option<&'static Exchange> {
    EXCHANGES.iter().find(|exchange| exchange.suffixes.iter().any(|known| known.eq_ignore_ascii_case(suffix)))
}

/// Every exchange in the built-in table, including the "FX" and generic "OTHER" entries.
pub fn all_exchanges() -> &'static [Exchange] {
    &EXCHANGES
}

/// The labels of the exchanges that keep a trading calendar (all but FX and the generic one),
/// each once, in table order: the codes `[[holidays]]` and `chiptape calendar` take.
pub fn calendar_labels() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for e in EXCHANGES.iter().filter(|e| matches!(e.hours, Hours::Daily { .. }) && e.code != "OTHER") {
        if !out.contains(&e.label) {
            out.push(e.label);
        }
    }
    out
}

impl Exchange {
    pub fn state_at(&self, t: DateTime<Utc>, cal: &Calendar) -> SessionState {
        self.state_on(wall_clock(self.tz, t), cal)
    }

    /// The holiday or short day at `t`'s local date, if it is one.
    pub fn special_at(&self, t: DateTime<Utc>, cal: &Calendar) -> Option<crate::market::calendar::Special> {
        cal.special(self.label, wall_clock(self.tz, t).date())
    }

    /// `date`'s sessions for exchanges with daily hours: `None` on weekends and on days the
    /// calendar closes; on a short day the sessions end early (or start late).
    fn day(&self, date: NaiveDate, cal: &Calendar) -> Option<Day> {
        let Hours::Daily { regular, pre, post } = self.hours else { return None };
        if is_weekend(date.weekday()) {
            return None;
        }
        let (open, close) = match cal.special(self.label, date) {
            Some(s) if s.is_closed() => return None,
            Some(s) => (s.open, s.close),
            None => (None, None),
        };
        let clip = |(a, b): Span| {
            let (a, b) = (open.map_or(a, |o| a.max(o)), close.map_or(b, |c| b.min(c)));
            (a < b).then_some((a, b))
        };
        let mut spans = [None; 2];
        for (slot, span) in spans.iter_mut().zip(regular) {
            *slot = clip(*span);
        }
        // Hours moved the other way (Seoul's exam day opens late and closes late) stretch the edges.
        if let (Some(o), Some(first)) = (open, spans.iter_mut().flatten().next()) {
            first.0 = first.0.min(o);
        }
        if let (Some(c), Some(last)) = (close, spans.iter_mut().flatten().next_back()) {
            last.1 = last.1.max(c);
        }
        let first = spans.iter().flatten().map(|s| s.0).next()?;
        let last = spans.iter().flatten().map(|s| s.1).next_back().unwrap_or(first);
        let pre = pre.and_then(|(a, b)| (a < b.min(first)).then_some((a, b.min(first))));
        // After an early close the post-market session starts then, and lasts as long as on a full
        // day (New York's: 13:00 to 17:00).
        let post = post.and_then(|(a, b)| {
            let start = a.min(last);
            let end = b - (a - start);
            (start < end).then_some((start, end))
        });
        Some(Day { regular: spans, pre, post })
    }

    fn state_on(&self, local: NaiveDateTime, cal: &Calendar) -> SessionState {
        let minute = local.hour() * 60 + local.minute();
        match self.hours {
            Hours::Rolling { roll } => {
                let session_day = if minute < roll { local.weekday() } else { local.weekday().succ() };
                if is_weekend(session_day) { SessionState::Closed } else { SessionState::Open }
            }
            Hours::Daily { .. } => {
                self.day(local.date(), cal).map_or(SessionState::Closed, |d| d.state(minute))
            }
        }
    }

    /// Minutes of `date` at which the state can change; midnight is one because the date changes.
    fn boundaries(&self, date: NaiveDate, cal: &Calendar) -> Vec<u32> {
        match self.hours {
            Hours::Rolling { roll } => vec![0, roll],
            Hours::Daily { .. } => std::iter::once(0)
                .chain(
                    self.day(date, cal)
                        .iter()
                        .flat_map(|d| d.spans().flat_map(|(a, b)| [a, b]).collect::<Vec<_>>()),
                )
                .collect(),
        }
    }

    /// Regular sessions (not pre/post) of the local trading date `date`, as UTC instants;
    /// empty on weekends and holidays. A session edge that a DST jump skips lands on the jump.
    pub fn regular_sessions_on(
        &self,
        date: NaiveDate,
        cal: &Calendar,
    ) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        let at = |day: NaiveDate, minute: u32| {
            local_minute(day, minute).map(|local| first_instant_at(self.tz, local))
        };
        match self.hours {
            Hours::Rolling { .. } if is_weekend(date.weekday()) => Vec::new(),
            Hours::Rolling { roll } => {
                date.pred_opt().and_then(|eve| Some((at(eve, roll)?, at(date, roll)?))).into_iter().collect()
            }
            Hours::Daily { .. } => match self.day(date, cal) {
                Some(d) => d
                    .regular
                    .iter()
                    .flatten()
                    .filter_map(|&(a, b)| Some((at(date, a)?, at(date, b)?)))
                    .collect(),
                None => Vec::new(),
            },
        }
    }

    /// Every session of the local date `date` in order, pre- and post-market included, each with
    /// its state (`Open` for regular hours); empty when the exchange does not trade that day. A
    /// rolling market's day is its one regular session.
    pub fn sessions_on(
        &self,
        date: NaiveDate,
        cal: &Calendar,
    ) -> Vec<(DateTime<Utc>, DateTime<Utc>, SessionState)> {
        let Some(d) = self.day(date, cal) else {
            return self
                .regular_sessions_on(date, cal)
                .into_iter()
                .map(|(a, b)| (a, b, SessionState::Open))
                .collect();
        };
        let at = |minute: u32| local_minute(date, minute).map(|local| first_instant_at(self.tz, local));
        let spans = d.pre.map(|s| (s, SessionState::Pre)).into_iter();
        let spans = spans.chain(d.regular.iter().flatten().map(|s| (*s, SessionState::Open)));
        spans
            .chain(d.post.map(|s| (s, SessionState::Post)))
            .filter_map(|((a, b), st)| Some((at(a)?, at(b)?, st)))
            .collect()
    }

    /// `t` itself when the regular session is open at t; otherwise the end of the most
    /// recent regular session before t.
    pub fn clamp_to_regular(&self, t: DateTime<Utc>, cal: &Calendar) -> DateTime<Utc> {
        match self.latest_session_started_by(t, cal) {
            Some((_, (_, end))) if end <= t => end,
            _ => t,
        }
    }

    /// The local trading date whose regular session is current or most recently finished
    /// at t (e.g. Saturday -> Friday).
    pub fn trading_date(&self, t: DateTime<Utc>, cal: &Calendar) -> NaiveDate {
        self.latest_session_started_by(t, cal).map_or_else(|| wall_clock(self.tz, t).date(), |(date, _)| date)
    }

    /// The previous trading date before `date` (skips weekends and holidays).
    pub fn previous_trading_date(&self, date: NaiveDate, cal: &Calendar) -> NaiveDate {
        std::iter::successors(date.pred_opt(), NaiveDate::pred_opt)
            .take(40)
            .find(|day| !self.regular_sessions_on(*day, cal).is_empty())
            .unwrap_or(date)
    }

    /// The first instant after t at which state_at changes, looking ahead at most 8 days
    /// (t + 8 days when nothing changes before then).
    pub fn next_change(&self, t: DateTime<Utc>, cal: &Calendar) -> DateTime<Utc> {
        // Whole seconds keep the DST search exact: zones change offset on whole seconds.
        let base = t.with_nanosecond(0).unwrap_or(t);
        let horizon = shift(base, TimeDelta::days(8));
        let now = self.state_at(t, cal);
        self.change_candidates(base, horizon, cal)
            .into_iter()
            .find(|&candidate| candidate > t && self.state_at(candidate, cal) != now)
            .unwrap_or(horizon)
    }

    /// The regular session that started last at or before `t`, with its trading date.
    fn latest_session_started_by(&self, t: DateTime<Utc>, cal: &Calendar) -> Option<(NaiveDate, Session)> {
        let today = wall_clock(self.tz, t).date();
        // A rolling session opens the evening before its date, so start a day ahead; four
        // weeks back always reaches a trading day, even across Golden Week.
        let first = today.succ_opt().unwrap_or(today);
        std::iter::successors(Some(first), NaiveDate::pred_opt).take(30).find_map(|date| {
            let sessions = self.regular_sessions_on(date, cal);
            let started = sessions.into_iter().rev().find(|&(start, _)| start <= t)?;
            Some((date, started))
        })
    }

    /// Sorted instants in `[from, to]` that include every change of state in that range.
    /// The state is a function of the local wall clock, so it can change only where the
    /// clock passes a session boundary or where it jumps at a DST change; checking just
    /// these keeps next_change exact without scanning minute by minute.
    fn change_candidates(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        cal: &Calendar,
    ) -> Vec<DateTime<Utc>> {
        let local_today = wall_clock(self.tz, from).date();
        let first_day = local_today.pred_opt().unwrap_or(local_today);
        let mut candidates = vec![from, to];
        for day in std::iter::successors(Some(first_day), NaiveDate::succ_opt).take(11) {
            for local in self.boundaries(day, cal).into_iter().filter_map(|m| local_minute(day, m)) {
                match self.tz.from_local_datetime(&local) {
                    MappedLocalTime::Single(at) => candidates.push(at.to_utc()),
                    // The clock reads this time twice; both passes can change the state.
                    MappedLocalTime::Ambiguous(first, second) => {
                        candidates.extend([first.to_utc(), second.to_utc()]);
                    }
                    // A skipped time is caught below as the jump over it.
                    MappedLocalTime::None => {}
                }
            }
        }
        candidates.retain(|at| (from..=to).contains(at));
        candidates.sort_unstable();
        candidates.dedup();

        // Consecutive candidates are at most a day apart and real zones change offset at
        // most once a day, so each offset change between two of them is a single jump.
        let offset = |at: DateTime<Utc>| utc_offset(self.tz, at);
        let jumps: Vec<_> = candidates
            .windows(2)
            .filter(|pair| offset(pair[0]) != offset(pair[1]))
            .map(|pair| first_true(pair[0], pair[1], |at| offset(at) == offset(pair[1])))
            .collect();
        candidates.extend(jumps);
        candidates.sort_unstable();
        candidates.dedup();
        candidates
    }
}

fn is_weekend(day: Weekday) -> bool {
    matches!(day, Weekday::Sat | Weekday::Sun)
}

fn local_minute(day: NaiveDate, minute: u32) -> Option<NaiveDateTime> {
    day.and_time(NaiveTime::MIN).checked_add_signed(TimeDelta::minutes(minute.into()))
}

/// Saturating, so that instants near chrono's limits never panic.
fn shift(t: DateTime<Utc>, by: TimeDelta) -> DateTime<Utc> {
    t.checked_add_signed(by).unwrap_or(if by < TimeDelta::zero() {
        DateTime::<Utc>::MIN_UTC
    } else {
        DateTime::<Utc>::MAX_UTC
    })
}

/// The local clock's reading at `t`. Where that reading would not fit chrono's range (only
/// near its limits) the UTC reading stands in, so that such instants never panic.
fn wall_clock(tz: Tz, t: DateTime<Utc>) -> NaiveDateTime {
    let utc = t.naive_utc();
    let offset = tz.offset_from_utc_datetime(&utc).fix();
    utc.checked_add_offset(offset).unwrap_or(utc)
}

fn utc_offset(tz: Tz, t: DateTime<Utc>) -> i32 {
    tz.offset_from_utc_datetime(&t.naive_utc()).fix().local_minus_utc()
}

/// The first instant at which the local clock reads `local` or later. For a wall time a DST
/// jump skips, that is the jump itself, which is when a session starting then really opens.
fn first_instant_at(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        MappedLocalTime::Single(at) | MappedLocalTime::Ambiguous(at, _) => at.to_utc(),
        MappedLocalTime::None => {
            // UTC offsets stay within ±15 hours, so the jump lies between these bounds.
            let as_utc = local.and_utc();
            let lo = shift(as_utc, TimeDelta::hours(-15));
            let hi = shift(as_utc, TimeDelta::hours(15));
            first_true(lo, hi, |at| wall_clock(tz, at) >= local)
        }
    }
}

/// The earliest whole-second instant in `(lo, hi]` where `pred` holds, for `lo` and `hi` on
/// whole seconds and `pred` false at `lo`, true at `hi` and flipping once in between.
fn first_true(
    mut lo: DateTime<Utc>,
    mut hi: DateTime<Utc>,
    pred: impl Fn(DateTime<Utc>) -> bool,
) -> DateTime<Utc> {
    while (hi - lo).num_seconds() > 1 {
        let mid = lo + TimeDelta::seconds((hi - lo).num_seconds() / 2);
        if pred(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    hi
}

#[cfg(test)]
mod tests;
