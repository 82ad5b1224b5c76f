//! Parsing and validation: what is accepted, and where and how each problem is reported.

use super::*;

fn err(text: &str) -> Vec<Issue> {
    match parse_str(text, "c.toml") {
        Err(ConfigError::Invalid { issues, .. }) => issues,
        other => panic!("expected an error, got {other:?}"),
    }
}

/// Price alerts become one alert per rule; keyword alerts keep their phrases and symbols; a
/// mix of the two, or neither, is refused where it is written.
#[test]
fn alerts_of_both_kinds() {
    let c = parse_str(
        "[[alerts]]\nsymbol = \"nvda\"\nabove = 200\nbelow = 100\n\n[[alerts]]\nkeywords = [\"Entity List\", \" 实体清单 \"]\nsymbols = [\"0981.hk\"]\n",
        "c.toml",
    )
    .unwrap();
    let nvda = Symbol::parse("NVDA").unwrap();
    assert_eq!(
        c.alerts,
        [
            Alert::Price { symbol: nvda.clone(), rule: Rule::Above(200.0) },
            Alert::Price { symbol: nvda, rule: Rule::Below(100.0) },
            Alert::Headline {
                keywords: vec!["Entity List".into(), "实体清单".into()],
                symbols: vec![Symbol::parse("0981.HK").unwrap()]
            },
        ]
    );
    let is = err(
        "[[alerts]]\nsymbol = \"NVDA\"\nkeywords = [\"x\"]\n\n[[alerts]]\nkeywords = []\nabove = 3\n\n[[alerts]]\nsymbols = [\"NVDA\"]\n",
    );
    let keys: Vec<&str> = is.iter().filter_map(|i| i.key.as_deref()).collect();
    assert_eq!(keys, ["alerts[0].keywords", "alerts[1].above", "alerts[1].keywords", "alerts[2]"], "{is:?}");
    let is = err("[news]\nhighlight = [\"ok\", \"\"]\n");
    assert_eq!(is[0].key.as_deref(), Some("news.highlight[1]"));
}

#[test]
fn builtin_default_parses() {
    let c = builtin();
    assert!(c.groups.len() >= 4);
    assert!(c.groups.iter().all(|g| !g.symbols.is_empty()));
    for s in c.all_symbols() {
        assert!(c.name_of(&s).is_some(), "{s} has no name in default.toml");
    }
    assert!(!c.news.feeds.is_empty());
    let p = &c.provider;
    assert!(p.stream, "streaming is on unless turned off");
    assert_eq!(p.stream_url, "wss://streamer.finance.yahoo.com/?version=2");
    assert_eq!((p.mainland, p.tencent_url.as_str()), (Mainland::Tencent, "https://qt.gtimg.cn"));
    let off = parse_str("[provider]\nstream = false\nmainland = \"yahoo\"\n", "c").unwrap();
    assert_eq!((off.provider.stream, off.provider.mainland), (false, Mainland::Yahoo));
}

#[test]
fn example_parses() {
    let c = parse_str(EXAMPLE_TOML, "config.example.toml").unwrap();
    assert!(!c.groups.is_empty());
}

/// A first start holds nobody's money and no made-up price limits: positions and price alerts are
/// there to uncomment, and uncommented they parse; the headline alert on the story's words stays on.
#[test]
fn example_has_no_active_positions_or_price_alerts() {
    let c = parse_str(EXAMPLE_TOML, "config.example.toml").unwrap();
    assert!(c.positions.is_empty(), "{:?}", c.positions);
    assert!(c.alerts.iter().all(|a| matches!(a, Alert::Headline { .. })), "{:?}", c.alerts);
    assert!(!c.alerts.is_empty(), "the keyword alert stays active");
    // The commented blocks that start at `# [[positions]]` or `# [[alerts]]`, uncommented.
    let mut on = false;
    let mut uncommented = String::new();
    for l in EXAMPLE_TOML.lines() {
        on = l.starts_with("# [[positions]]") || l.starts_with("# [[alerts]]") || (on && l.starts_with('#'));
        let l = if on { l.strip_prefix("# ").unwrap_or(l.trim_start_matches('#')) } else { l };
        uncommented.push_str(l);
        uncommented.push('\n');
    }
    let c = parse_str(&uncommented, "uncommented").unwrap();
    assert_eq!(c.positions.len(), 2);
    assert_eq!(c.alerts.iter().filter(|a| matches!(a, Alert::Price { .. })).count(), 3);
    assert!(c.alerts.contains(&Alert::Earnings { within_days: 1, symbols: vec![] }), "{:?}", c.alerts);
}

/// `earnings_within_days`: a whole number of days from 0 to 90, alone or with `symbols`; anything
/// else beside it, a negative, absurd or non-integer value is refused where it is written.
#[test]
fn earnings_alerts() {
    let c = parse_str(
        "[[alerts]]\nearnings_within_days = 1\n\n[[alerts]]\nearnings_within_days = 0\nsymbols = [\"nvda\"]\n",
        "c.toml",
    )
    .unwrap();
    assert_eq!(
        c.alerts,
        [
            Alert::Earnings { within_days: 1, symbols: vec![] },
            Alert::Earnings { within_days: 0, symbols: vec![Symbol::parse("NVDA").unwrap()] },
        ]
    );
    let is = err(
        "[[alerts]]\nearnings_within_days = -1\n\n[[alerts]]\nearnings_within_days = 400\n\n[[alerts]]\nearnings_within_days = 2\nsymbol = \"NVDA\"\nabove = 3\n",
    );
    let keys: Vec<&str> = is.iter().filter_map(|i| i.key.as_deref()).collect();
    assert_eq!(
        keys,
        [
            "alerts[0].earnings_within_days",
            "alerts[1].earnings_within_days",
            "alerts[2].symbol",
            "alerts[2].above"
        ],
        "{is:?}"
    );
    assert!(is[0].to_string().contains("a whole number of days from 0 (on the day) to 90"), "{}", is[0]);
    let is = err("[[alerts]]\nearnings_within_days = 1.5\n");
    assert!(is[0].to_string().contains("earnings_within_days"), "{}", is[0]);
    let is = err("[[alerts]]\nearnings_within_days = \"1\"\n");
    assert!(!is.is_empty());
}

/// The first `a`/`d` without a file writes the example: its groups must be the ones on screen.
#[test]
fn example_groups_are_the_builtin_ones() {
    let c = parse_str(EXAMPLE_TOML, "config.example.toml").unwrap();
    assert_eq!(c.groups, builtin().groups);
}

#[test]
fn empty_file_is_the_builtin() {
    assert_eq!(parse_str("", "c.toml").unwrap(), builtin());
}

#[test]
fn typo_key_is_named_with_line_and_column() {
    let is = err("refresh_secs = 30\nrefresh_sec = 20\n");
    assert_eq!(is.len(), 1);
    assert_eq!((is[0].line, is[0].col), (2, 1));
    assert_eq!(is[0].key.as_deref(), Some("refresh_sec"));
    assert!(is[0].message.contains("unknown field"), "{}", is[0].message);
}

#[test]
fn wrong_type_is_named() {
    let is = err("[news]\nmax_items = \"many\"\n");
    assert_eq!((is[0].line, is[0].col), (2, 13));
    assert_eq!(is[0].key.as_deref(), Some("news.max_items"));
}

#[test]
fn minimums_are_enforced() {
    let is = err("refresh_secs = 1\nnews_refresh_secs = 10\n");
    assert_eq!(is.len(), 2);
    assert_eq!(is[0].key.as_deref(), Some("refresh_secs"));
    assert_eq!((is[0].line, is[0].col), (1, 16));
    assert!(is[0].message.contains("at least 5"));
    assert_eq!(is[1].key.as_deref(), Some("news_refresh_secs"));
    assert_eq!(is[1].line, 2);
}

#[test]
fn symbols_are_validated_and_upper_cased() {
    let c = parse_str("[[groups]]\nname = \"x\"\nsymbols = [\"nvda\", \"0981.hk\"]\n", "c").unwrap();
    assert_eq!(c.groups[0].symbols[1].as_str(), "0981.HK");
    assert_eq!(c.name_of(&c.groups[0].symbols[0]), Some("NVIDIA"), "built-in names are merged");
    let is = err("[[groups]]\nname = \"x\"\nsymbols = [\"NV DA\"]\n");
    assert_eq!(is[0].key.as_deref(), Some("groups[0].symbols[0]"));
    assert_eq!((is[0].line, is[0].col), (3, 12));
}

#[test]
fn everything_else_is_checked() {
    let text = r##"
base_currency = "dollars"
[provider]
kind = "bloomberg"
query_url = "ftp://x"
stream_url = "https://streamer.example"
mainland = "sina"
tencent_url = "qt.gtimg.cn"
[[groups]]
name = "a"
symbols = ["A", "A"]
[[groups]]
name = "A"
[news]
max_items = 0
[[news.feeds]]
name = ""
url = "not a url"
[[positions]]
symbol = "NVDA"
quantity = 0
unit_cost = -1
[[alerts]]
symbol = "NVDA"
[[alerts]]
symbol = "NVDA"
above = 1
below = 2
[keys]
"hyper-x" = "quit"
"x" = "explode"
[theme]
name = "neon"
up = "#12345"
"##;
    let keys: Vec<String> = err(text).into_iter().filter_map(|i| i.key).collect();
    for k in [
        "base_currency",
        "provider.kind",
        "provider.query_url",
        "provider.stream_url",
        "provider.mainland",
        "provider.tencent_url",
        "groups[0].symbols[1]",
        "groups[1].name",
        "news.max_items",
        "news.feeds[0].name",
        "news.feeds[0].url",
        "positions[0].quantity",
        "positions[0].unit_cost",
        "alerts[0]",
        "alerts[1].above",
        "keys.hyper-x",
        "keys.x",
        "theme.name",
        "theme.up",
    ] {
        assert!(keys.iter().any(|x| x == k), "no issue for {k}: {keys:?}");
    }
}

/// The words of the checks written once (choices, ranges, numbers, text), as users read them.
#[test]
fn messages_name_what_is_wanted_and_what_was_given() {
    let text = r##"
refresh_secs = 100000
base_currency = "dollars"
[provider]
kind = " bloomberg "
mainland = "sina"
query_url = "ftp://x"
user_agent = ""
[[groups]]
name = "a"
symbols = ["A"]
[symbols.A]
name = " "
aliases = ["ok", "\t"]
[news]
max_items = 0
highlight = ["x", " "]
[[positions]]
symbol = "NVDA"
quantity = 0
unit_cost = -1
[[alerts]]
symbol = "NVDA"
above = -2
[theme]
name = "neon"
"##;
    let got: Vec<(String, String)> =
        err(text).into_iter().map(|i| (i.key.unwrap_or_default(), i.message)).collect();
    let want = [
        ("refresh_secs", "must be at most 86400 seconds (got 100000)"),
        ("base_currency", "must be a 3-letter currency code like \"USD\" (got \"dollars\")"),
        ("provider.kind", "must be \"yahoo\" or \"demo\" (got \"bloomberg\")"),
        ("provider.query_url", "must be an http or https URL (got scheme \"ftp\")"),
        ("provider.user_agent", "must be non-empty printable text"),
        ("provider.mainland", "must be \"tencent\" or \"yahoo\" (got \"sina\")"),
        ("symbols.A.name", "must be printable, non-empty text"),
        ("symbols.A.aliases[1]", "an alias must be printable, non-empty text"),
        ("news.max_items", "must be between 1 and 5000 (got 0)"),
        ("news.highlight[1]", "a phrase must be printable, non-empty text"),
        ("positions[0].quantity", "must be a non-zero number (got 0)"),
        ("positions[0].unit_cost", "must be zero or more (got -1)"),
        ("alerts[0].above", "must be a positive number (got -2)"),
        ("theme.name", "must be dark, light or mono (got \"neon\")"),
    ];
    for (key, message) in want {
        assert!(got.iter().any(|(k, m)| k == key && m == message), "no {key}: {message}\n{got:#?}");
    }
    assert_eq!(got.len(), want.len(), "{got:#?}");
}

#[test]
fn keys_override_and_unbind() {
    let c = parse_str("[keys]\n\"ctrl-r\" = \"refresh\"\nq = \"none\"\n", "c").unwrap();
    assert_eq!(c.keys.action(&Key::ctrl('r')), Some(Action::Refresh));
    assert_eq!(c.keys.action(&Key::ch('q')), None);
}

#[test]
fn feeds_explicitly_empty_means_none() {
    let c = parse_str("[news]\nfeeds = []\n", "c").unwrap();
    assert!(c.news.feeds.is_empty());
}

#[test]
fn syntax_error_is_located() {
    let is = err("refresh_secs = \n");
    assert_eq!((is[0].line, is[0].col), (1, 16), "{is:?}");
    let is = err("# comment\n[provider]\nkind = \"yahoo\" extra\n");
    assert_eq!((is[0].line, is[0].col), (3, 16), "{is:?}");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]
    /// Any text, and the commented example with one line replaced by anything: a config or
    /// located errors, never a panic, and nothing unprintable in the messages.
    #[test]
    fn any_config_text(text in "\\PC{0,200}", line in 0usize..400, with in "\\PC{0,40}|[\\[\\]=\"a-z_.0-9 ]{0,40}") {
        let check = |t: &str| {
            if let Err(e) = parse_str(t, "c.toml") {
                let msg = e.to_string();
                assert!(!msg.chars().any(|c| c.is_control() && c != '\n'), "{msg:?}");
            }
        };
        check(&text);
        let mut lines: Vec<&str> = crate::config::EXAMPLE_TOML.lines().collect();
        let i = line % lines.len();
        lines[i] = &with;
        check(&lines.join("\n"));
    }
}

/// Sources in order: the defaults as written, charts following quotes unless given, and each
/// wrong list refused where it is written.
#[test]
fn quote_and_chart_sources_in_order() {
    let p = parse_str("", "c.toml").unwrap().provider;
    assert_eq!(
        (p.quotes.clone(), p.charts.clone()),
        (vec![SourceName::Yahoo, SourceName::Tencent], p.quotes)
    );
    assert_eq!(p.fallback_secs, 600);
    let p = parse_str("[provider]\nquotes = [\"tencent\"]\nfallback_secs = 30\n", "c.toml").unwrap().provider;
    assert_eq!(
        (p.quotes.as_slice(), p.charts.as_slice()),
        (&[SourceName::Tencent][..], &[SourceName::Tencent][..])
    );
    assert_eq!(p.fallback(), chrono::Duration::seconds(30));
    assert!(!p.quotes_from(SourceName::Yahoo) && p.quotes_from(SourceName::Tencent));
    let p = parse_str(
        "[provider]\nquotes = [\"tencent\"]\ncharts = [\"yahoo\"]\nmainland = \"yahoo\"\n",
        "c.toml",
    )
    .unwrap()
    .provider;
    assert_eq!(p.charts, [SourceName::Yahoo]);
    assert!(p.quotes_from(SourceName::Yahoo), "mainland = \"yahoo\" still asks Yahoo for .SS/.SZ");
    let is = err("[provider]\nquotes = [\"yahoo\", \"sina\"]\ncharts = []\nfallback_secs = 0\n");
    let keys: Vec<_> = is.iter().map(|i| (i.key.clone().unwrap_or_default(), i.line)).collect();
    assert_eq!(
        keys,
        [
            ("provider.quotes[1]".to_string(), 2),
            ("provider.charts".into(), 3),
            ("provider.fallback_secs".into(), 4)
        ]
    );
    let is = err("[provider]\nquotes = [\"yahoo\", \"yahoo\"]\n");
    assert!(is[0].message.contains("each source once"), "{}", is[0].message);
}

#[test]
fn search_sources_and_the_suggest_url() {
    let p = parse_str("", "c.toml").unwrap().provider;
    assert_eq!(p.search, [SearchSource::Local, SearchSource::Yahoo, SearchSource::Tencent]);
    // Kept without its trailing slash, like every URL: the source writes the path's own.
    assert_eq!(p.suggest_url, "https://smartbox.gtimg.cn/s3");
    let p = parse_str(
        "[provider]\nsearch = [\"tencent\", \"local\"]\nsuggest_url = \"http://127.0.0.1:9/s3/\"\n",
        "c.toml",
    )
    .unwrap()
    .provider;
    assert_eq!(
        (p.search.as_slice(), p.suggest_url.as_str()),
        (&[SearchSource::Tencent, SearchSource::Local][..], "http://127.0.0.1:9/s3")
    );
    let is = err("[provider]\nsearch = [\"local\", \"baidu\"]\nsuggest_url = \"smartbox.gtimg.cn\"\n");
    let keys: Vec<_> = is.iter().map(|i| (i.key.clone().unwrap_or_default(), i.line)).collect();
    assert_eq!(keys, [("provider.search[1]".to_string(), 2), ("provider.suggest_url".into(), 3)]);
    assert!(is[0].message.contains("\"local\", \"yahoo\" or \"tencent\""), "{}", is[0].message);
    assert!(err("[provider]\nsearch = []\n")[0].message.contains("at least one source"));
    assert!(err("[provider]\nsearch = [\"local\", \"local\"]\n")[0].message.contains("each source once"));
}

/// `[filings]`: defaults without the table, an empty contact means "EDGAR not asked", and each bad
/// value is reported at its key.
#[test]
fn filings_table() {
    let c = parse_str("", "c.toml").unwrap();
    assert!(c.filings.sec && c.filings.federal_register);
    assert_eq!(c.filings.sec_user_agent, None);
    assert!(c.filings.forms.contains(&"8-K".to_string()));
    assert_eq!(c.filings.refresh_secs, 1800);
    let c = parse_str(
        "[filings]\nsec_user_agent = \" Ann Example ann@example.com \"\nforms = [\"8-k\", \"6-K\"]\nsec_url = \"http://127.0.0.1:9/\"\n",
        "c.toml",
    )
    .unwrap();
    assert_eq!(c.filings.sec_user_agent.as_deref(), Some("Ann Example ann@example.com"));
    assert_eq!(c.filings.forms, ["8-K", "6-K"]);
    assert_eq!(c.filings.sec_url, "http://127.0.0.1:9");
    let c = parse_str("[filings]\nsec_user_agent = \"\"\n", "c.toml").unwrap();
    assert_eq!(c.filings.sec_user_agent, None);
    let is = err(
        "[filings]\nsec_user_agent = \"just a name\"\nrefresh_secs = 10\nlanguage = \"fr\"\nforms = [\"8-K\", \"\"]\nsec_url = \"ftp://x\"\n",
    );
    let keys: Vec<&str> = is.iter().filter_map(|i| i.key.as_deref()).collect();
    assert_eq!(
        keys,
        [
            "filings.sec_user_agent",
            "filings.forms[1]",
            "filings.language",
            "filings.refresh_secs",
            "filings.sec_url"
        ],
        "{is:?}"
    );
    assert!(is[0].line == 2 && is[0].message.contains("you@example.com"), "{is:?}");
    assert!(err("[filings]\nsecs = true\n")[0].message.contains("unknown field"));
}

/// `[theme] heat_cap`: 5 % unless set; a positive, finite number of percent, or a located error.
/// `[theme] convention`: western unless set; "cn" turns red for a rise; anything else is a
/// located error.
#[test]
fn the_colour_convention_is_western_or_cn() {
    assert_eq!(builtin().theme.convention, Convention::Western);
    assert_eq!(parse_str("[theme]\nconvention = \"cn\"\n", "c").unwrap().theme.convention, Convention::Cn);
    let issues = err("[theme]\nconvention = \"east\"\n");
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert_eq!((issues[0].key.as_deref(), issues[0].line), (Some("theme.convention"), 2));
    assert!(issues[0].message.contains("western") && issues[0].message.contains("cn"), "{issues:?}");
}

#[test]
fn heat_cap_is_a_positive_finite_percent() {
    assert_eq!(builtin().theme.heat_cap, 5.0);
    assert_eq!(parse_str("[theme]\nheat_cap = 2.5\n", "c").unwrap().theme.heat_cap, 2.5);
    assert_eq!(parse_str("[theme]\nheat_cap = 10\n", "c").unwrap().theme.heat_cap, 10.0);
    assert_eq!(parse_str(EXAMPLE_TOML, "config.example.toml").unwrap().theme.heat_cap, 5.0);
    for bad in ["0", "-3", "inf", "nan"] {
        let issues = err(&format!("[theme]\nheat_cap = {bad}\n"));
        assert_eq!(issues.len(), 1, "{bad}: {issues:?}");
        assert_eq!(issues[0].key.as_deref(), Some("theme.heat_cap"), "{bad}");
        assert_eq!(issues[0].line, 2, "{bad}");
        assert!(
            issues[0].message.starts_with("must be a positive number of percent"),
            "{bad}: {:?}",
            issues[0]
        );
    }
    assert!(!err("[theme]\nheat_cap = \"5%\"\n").is_empty(), "text is no number");
}

/// Dual listings: built in for SMIC and Hua Hong, written on either side and known on both; a
/// pair must be one Hong Kong and one mainland line; a user's pair replaces the built-in one.
#[test]
fn pairs_are_one_h_and_one_a_line_known_on_both_sides() {
    let s = |x: &str| Symbol::parse(x).unwrap();
    let b = builtin();
    for (h, a) in [("0981.HK", "688981.SS"), ("1347.HK", "688347.SS")] {
        assert_eq!(b.pair_of(&s(h)), Some(&s(a)));
        assert_eq!(b.pair_of(&s(a)), Some(&s(h)), "the other side knows it too");
    }
    assert_eq!(b.pair_of(&s("9988.HK")), None);
    let c = parse_str("[symbols.\"000063.SZ\"]\npair = \"0763.HK\"\n", "c").unwrap();
    assert_eq!(c.pair_of(&s("0763.HK")), Some(&s("000063.SZ")));
    assert_eq!(c.pair_of(&s("0981.HK")), Some(&s("688981.SS")), "the built-in pairs stay");
    // Re-paired by the user: the old other line no longer points back.
    let c = parse_str("[symbols.\"0981.HK\"]\npair = \"688347.SS\"\n", "c").unwrap();
    assert_eq!(c.pair_of(&s("688347.SS")), Some(&s("0981.HK")));
    assert_eq!(c.pair_of(&s("688981.SS")), None);
    assert_eq!(c.pair_of(&s("1347.HK")), None);
    for bad in ["\"9988.HK\"", "\"BABA\""] {
        let issues = err(&format!("[symbols.\"0981.HK\"]\npair = {bad}\n"));
        assert_eq!(issues.len(), 1, "{bad}: {issues:?}");
        assert_eq!(
            (issues[0].key.as_deref(), issues[0].line),
            (Some("symbols.\"0981.HK\".pair"), 2),
            "{issues:?}"
        );
        assert!(issues[0].message.contains("one .HK and one .SS or .SZ"), "{issues:?}");
    }
}
