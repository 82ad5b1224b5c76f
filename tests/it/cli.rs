//! The one-shot commands, run as the real binary with a private home.

use crate::common;

use std::path::Path;
use std::process::Output;

use serde_json::Value;

const FIELDS: &[&str] = &[
    "symbol",
    "group",
    "name",
    "name_zh",
    "currency",
    "price",
    "change",
    "change_pct",
    "previous_close",
    "open",
    "day_high",
    "day_low",
    "volume",
    "market_cap",
    "market_state",
    "exchange",
    "time",
    "stale",
    "error",
    "extended_price",
    "extended_change_pct",
    "delay_min",
    "source",
];

fn chiptape(home: &Path, args: &[&str]) -> Output {
    common::chiptape_cmd(home).args(args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

const AT: &str = "--fake-now=2026-11-24T15:00:00Z";

#[test]
fn quotes_json_prints_every_group_each_symbol_once_in_config_order() {
    let home = tempfile::tempdir().unwrap();
    let o = chiptape(home.path(), &["quotes", "--demo", "--format", "json", AT]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let arr = v.as_array().unwrap();
    let cfg = chiptape::config::builtin();
    assert!(cfg.groups.len() > 1);
    let got: Vec<(&str, &str)> =
        arr.iter().map(|q| (q["symbol"].as_str().unwrap(), q["group"].as_str().unwrap())).collect();
    let mut want: Vec<(&str, &str)> = Vec::new();
    for g in &cfg.groups {
        for s in &g.symbols {
            if !want.iter().any(|(x, _)| *x == s.as_str()) {
                want.push((s.as_str(), g.name.as_str()));
            }
        }
    }
    assert_eq!(got, want, "every symbol once, in config order, with the first group listing it");
    assert_eq!(got.len(), cfg.all_symbols().len());
    for q in arr {
        let obj = q.as_object().unwrap();
        for f in FIELDS {
            assert!(obj.contains_key(*f), "missing {f} in {q}");
        }
        assert!(q["price"].as_f64().unwrap() > 0.0);
        assert!(["pre", "regular", "post", "closed"].contains(&q["market_state"].as_str().unwrap()));
        assert!(q["error"].is_null());
        assert_eq!(q["stale"], Value::Bool(false));
        chrono::DateTime::parse_from_rfc3339(q["time"].as_str().unwrap()).unwrap();
        assert!(!obj.contains_key("position"), "no positions in the built-in config");
    }
    assert_eq!(arr[0]["currency"], "HKD");
    assert_eq!(arr[0]["delay_min"], 15);
    assert!(arr.iter().all(|q| q["source"] == "demo"), "the demo market says so");
}

/// A symbol in two groups is printed once, under the first.
#[test]
fn quotes_list_a_shared_symbol_once() {
    let home = tempfile::tempdir().unwrap();
    let cfg = home.path().join("c.toml");
    std::fs::write(
        &cfg,
        "[[groups]]\nname = \"A\"\nsymbols = [\"NVDA\", \"AMD\"]\n\n[[groups]]\nname = \"B\"\nsymbols = [\"TSM\", \"NVDA\"]\n",
    )
    .unwrap();
    let c = cfg.to_str().unwrap();
    let listed = |extra: &[&str]| -> Vec<String> {
        let mut args = vec!["quotes", "--demo", "--config", c, "--format", "json", AT];
        args.extend(extra);
        let v: Value = serde_json::from_str(&stdout(&chiptape(home.path(), &args))).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|q| format!("{}@{}", q["symbol"], q["group"]).replace('"', ""))
            .collect()
    };
    assert_eq!(listed(&[]), ["NVDA@A", "AMD@A", "TSM@B"]);
    assert_eq!(listed(&["--group", "b"]), ["TSM@B", "NVDA@B"], "--group narrows to that group, in its order");
    let o = chiptape(home.path(), &["quotes", "--demo", "--config", c, AT]);
    let t = stdout(&o);
    let lines: Vec<&str> = t.lines().collect();
    assert!(lines[1].contains("── A ──") && lines[4].contains("── B ──"), "{t}");
}

#[test]
fn quotes_group_csv_and_table() {
    let home = tempfile::tempdir().unwrap();
    let o = chiptape(home.path(), &["quotes", "--demo", "--group", "us ai chips", "--format", "csv", AT]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut rdr = csv::Reader::from_reader(o.stdout.as_slice());
    let headers = rdr.headers().unwrap().clone();
    assert_eq!(&headers[0], "symbol");
    let n = headers.len();
    assert_eq!((&headers[n - 2], &headers[n - 1]), ("halted", "group"), "group stays last");
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(&rows[0][0], "NVDA");
    assert_eq!(rows.len(), 8);
    assert_eq!(&rows[0][12], "regular", "New York is open at 10:00");

    let o = chiptape(home.path(), &["quotes", "--demo", AT]);
    let t = stdout(&o);
    assert!(t.lines().next().unwrap().starts_with("SYMBOL"));
    assert!(t.contains("0981.HK") && t.contains("SMIC") && t.contains("15m delay"), "{t}");

    let o = chiptape(home.path(), &["quotes", "--demo", "--group", "nope", AT]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("China AI chips"), "lists the groups: {}", stderr(&o));
}

#[test]
fn quotes_with_positions_and_totals() {
    let home = tempfile::tempdir().unwrap();
    let cfg = home.path().join("c.toml");
    std::fs::write(
        &cfg,
        "[[groups]]\nname = \"Mine\"\nsymbols = [\"NVDA\", \"0981.HK\"]\n\n\
         [[positions]]\nsymbol = \"NVDA\"\nquantity = 10\nunit_cost = 100\n\n\
         [[positions]]\nsymbol = \"NVDA\"\nquantity = 10\nunit_cost = 200\n\n\
         [[positions]]\nsymbol = \"0981.HK\"\nquantity = 1000\nunit_cost = 40\n",
    )
    .unwrap();
    let c = cfg.to_str().unwrap();
    let o = chiptape(home.path(), &["quotes", "--demo", "--config", c, "--format", "json", "--totals", AT]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let nvda = &v["quotes"][0];
    assert_eq!(nvda["position"]["quantity"], 20.0);
    assert_eq!(nvda["position"]["avg_cost"], 150.0);
    let price = nvda["price"].as_f64().unwrap();
    assert!((nvda["position"]["value"].as_f64().unwrap() - 20.0 * price).abs() < 1e-6);
    let hk = &v["quotes"][1]["position"];
    assert!(hk["value_base"].as_f64().unwrap() < hk["value"].as_f64().unwrap(), "HKD converted to USD");
    let totals = &v["totals"];
    assert_eq!(totals["currency"], "USD");
    let sum = nvda["position"]["value_base"].as_f64().unwrap() + hk["value_base"].as_f64().unwrap();
    assert!((totals["value"].as_f64().unwrap() - sum).abs() < 1e-6);
    assert_eq!(totals["missing_rates"], Value::Array(vec![]));
}

#[test]
fn news_json_is_newest_first_with_symbols() {
    let home = tempfile::tempdir().unwrap();
    let o = chiptape(home.path(), &["news", "--demo", "--format", "json", AT]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), 50, "the default limit");
    let dates: Vec<chrono::DateTime<chrono::FixedOffset>> = arr
        .iter()
        .map(|h| chrono::DateTime::parse_from_rfc3339(h["published"].as_str().unwrap()).unwrap())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first");
    for h in arr {
        for f in ["title", "link", "source", "published", "symbols", "feed"] {
            assert!(h.get(f).is_some(), "missing {f}");
        }
        assert!(h["link"].as_str().unwrap().starts_with("https://example.com/"));
    }
    assert!(arr.iter().any(|h| !h["symbols"].as_array().unwrap().is_empty()));

    let o = chiptape(
        home.path(),
        &["news", "--demo", "--format", "json", "--symbol", "nvda", "--limit", "3", AT],
    );
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let arr = v.as_array().unwrap();
    assert!(!arr.is_empty() && arr.len() <= 3);
    assert!(arr.iter().all(|h| h["symbols"].as_array().unwrap().iter().any(|s| s == "NVDA")));
}

/// CSV carries what the JSON's `position` holds (value in the base currency, day and total P&L),
/// and `--totals` is a last row, `TOTAL`, in the base currency.
#[test]
fn quotes_csv_carries_positions_and_totals_as_a_last_row() {
    let home = tempfile::tempdir().unwrap();
    let cfg = home.path().join("c.toml");
    std::fs::write(
        &cfg,
        "[[groups]]\nname = \"Mine\"\nsymbols = [\"NVDA\", \"0981.HK\", \"AMD\"]\n\n\
         [[positions]]\nsymbol = \"NVDA\"\nquantity = 10\nunit_cost = 100\n\n\
         [[positions]]\nsymbol = \"0981.HK\"\nquantity = 1000\nunit_cost = 40\n",
    )
    .unwrap();
    let c = cfg.to_str().unwrap();
    let o = chiptape(home.path(), &["quotes", "--demo", "--config", c, "--format", "csv", "--totals", AT]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut rdr = csv::Reader::from_reader(o.stdout.as_slice());
    let headers = rdr.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap_or_else(|| panic!("no {name}"));
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 4, "three symbols and the totals");
    let num = |r: &csv::StringRecord, name: &str| r[col(name)].parse::<f64>().unwrap();
    let (nvda, hk, amd, total) = (&rows[0], &rows[1], &rows[2], &rows[3]);
    assert!((num(nvda, "value_base") - num(nvda, "value")).abs() < 1e-6, "USD is the base");
    assert!(num(hk, "value_base") < num(hk, "value"), "HKD converted");
    assert!((num(nvda, "day_pnl") - 10.0 * num(nvda, "change")).abs() < 1e-6);
    assert!((num(nvda, "total_pnl") - (num(nvda, "value") - 1000.0)).abs() < 1e-6);
    col("total_pnl_pct");
    assert_eq!(&amd[col("value_base")], "", "not held");
    assert_eq!((&total[0], &total[col("currency")]), ("TOTAL", "USD"));
    let sum = num(nvda, "value_base") + num(hk, "value_base");
    assert!((num(total, "value_base") - sum).abs() < 1e-6, "{total:?}");
    num(total, "day_pnl");
    num(total, "total_pnl");
    let o = chiptape(home.path(), &["quotes", "--demo", "--config", c, "--format", "csv", AT]);
    assert!(!stdout(&o).contains("TOTAL"), "only with --totals");
}

/// A symbol on no watchlist has no headlines tied to it: said on stderr, exit 2, not an empty list.
#[test]
fn news_for_a_symbol_on_no_watchlist_is_refused() {
    let home = tempfile::tempdir().unwrap();
    let o = chiptape(home.path(), &["news", "--demo", "--symbol", "ZZZ", AT]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
    let e = stderr(&o);
    assert!(e.starts_with("chiptape: --symbol ZZZ: not on the watchlist"), "{e}");
}

#[test]
fn news_csv_has_the_json_fields_as_columns() {
    let home = tempfile::tempdir().unwrap();
    let args = ["news", "--demo", "--symbol", "NVDA", "--limit", "5", AT];
    let json = chiptape(home.path(), &[&args[..], &["--format", "json"][..]].concat());
    let v: Value = serde_json::from_str(&stdout(&json)).unwrap();
    let o = chiptape(home.path(), &[&args[..], &["--format", "csv"][..]].concat());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut rdr = csv::Reader::from_reader(o.stdout.as_slice());
    let headers: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(
        headers,
        [
            "title",
            "link",
            "source",
            "published",
            "symbols",
            "feed",
            "highlight",
            "kind",
            "form",
            "move_since_pct"
        ]
    );
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    let arr = v.as_array().unwrap();
    assert_eq!(rows.len(), arr.len());
    for (r, h) in rows.iter().zip(arr) {
        assert_eq!(
            (&r[0], &r[1], &r[3]),
            (h["title"].as_str().unwrap(), h["link"].as_str().unwrap(), h["published"].as_str().unwrap())
        );
        assert!(r[4].split(';').any(|s| s == "NVDA"), "{r:?}");
        assert_eq!(&r[7], h["kind"].as_str().unwrap());
    }
}

fn check_fails(home: &Path, text: &str, line_col: &str, key: &str) {
    let path = home.join("bad.toml");
    std::fs::write(&path, text).unwrap();
    let p = path.to_str().unwrap();
    let want = format!("{p}:{line_col}");
    for args in
        [vec!["config", "check", p], vec!["--config", p, "--demo"], vec!["quotes", "--config", p, "--demo"]]
    {
        let o = chiptape(home, &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let e = stderr(&o);
        assert!(e.contains(&want), "{args:?}: {e:?} should name {want}");
        assert!(e.contains(key), "{args:?}: {e:?} should name {key}");
        assert!(stdout(&o).is_empty(), "{args:?}: nothing on stdout, no terminal touched");
    }
}

#[test]
fn config_errors_name_file_line_column_and_key() {
    let home = tempfile::tempdir().unwrap();
    check_fails(home.path(), "refresh_secs = 30\nrefresh_sec = 20\n", "2:1", "refresh_sec");
    check_fails(home.path(), "[news]\nmax_items = \"lots\"\n", "2:13", "news.max_items");
    check_fails(home.path(), "# minimum is 5\nrefresh_secs = 1\n", "2:16", "refresh_secs");
    check_fails(
        home.path(),
        "[[groups]]\nname = \"x\"\nsymbols = [\"NV DA\"]\n",
        "3:12",
        "groups[0].symbols[0]",
    );
    check_fails(home.path(), "refresh_secs = \n", "1:", "");
}

#[test]
fn missing_explicit_config_is_an_error() {
    let home = tempfile::tempdir().unwrap();
    let o = chiptape(home.path(), &["--config", "/nonexistent/c.toml", "quotes", "--demo"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("/nonexistent/c.toml"));
}

/// Whatever goes wrong, stderr starts `chiptape: ` and the exit code is 2; a missing file names the
/// command that writes one; a bad `--fake-now` shows its form with an example.
#[test]
fn every_error_starts_with_chiptape_and_says_what_to_do() {
    let home = tempfile::tempdir().unwrap();
    let bad = home.path().join("bad.toml");
    std::fs::write(&bad, "refresh_secs = 1\nrefresh_sec = 20\n").unwrap();
    let bad = bad.to_str().unwrap();
    let missing = home.path().join("nowhere/c.toml");
    let missing = missing.to_str().unwrap();
    let cases: &[&[&str]] = &[
        &["quotes", "--format", "xml"],
        &["--no-such-flag"],
        &["frobnicate"],
        &["quotes", "--config", bad, "--demo"],
        &["config", "check", bad],
        &["config", "check", missing],
        &["--config", missing, "quotes", "--demo"],
        &["quotes", "--demo", "--fake-now", "tuesday"],
        &["quotes", "--demo", "--group", "nope", AT],
        &["calendar", "--exchange", "NYSE", AT],
    ];
    for args in cases {
        let o = chiptape(home.path(), args);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {e}");
        assert!(e.starts_with("chiptape: "), "{args:?}: {e}");
        assert!(!e.contains("error: "), "{args:?}: {e}");
    }
    let o = chiptape(home.path(), &["quotes", "--config", bad, "--demo"]);
    assert!(stderr(&o).lines().all(|l| l.starts_with("chiptape: ")), "each problem: {}", stderr(&o));

    let o = chiptape(home.path(), &["--config", missing, "quotes", "--demo"]);
    let e = stderr(&o);
    assert!(e.contains(missing) && e.contains(&format!("chiptape --config {missing} config init")), "{e}");
    let o = common::chiptape_cmd(home.path())
        .env("CHIPTAPE_CONFIG", missing)
        .args(["news", "--demo"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.starts_with("chiptape: no config file at ") && e.contains("config init"), "{e}");
    let o = chiptape(home.path(), &["quotes", "--demo", "--fake-now", "tuesday"]);
    assert!(stderr(&o).contains("expected RFC 3339, e.g. 2026-11-24T15:00:00Z"), "{}", stderr(&o));
    // Help and version are no errors.
    let o = chiptape(home.path(), &["--version"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("chiptape "), "{}", stdout(&o));
}

#[test]
fn config_init_writes_a_file_that_check_passes() {
    let home = tempfile::tempdir().unwrap();
    let o = chiptape(home.path(), &["config", "path"]);
    assert_eq!(o.status.code(), Some(0));
    let path = stdout(&o).trim().to_string();
    assert!(path.ends_with("chiptape/config.toml"), "{path}");
    assert!(path.starts_with(home.path().to_str().unwrap()), "{path}");

    let o = chiptape(home.path(), &["config", "check"]);
    assert_eq!(o.status.code(), Some(0), "no file: the built-in watchlist is fine");
    assert!(stdout(&o).contains("built-in"));

    let o = chiptape(home.path(), &["config", "init"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let written = std::fs::read_to_string(&path).unwrap();
    assert_eq!(written, chiptape::config::EXAMPLE_TOML);

    let o = chiptape(home.path(), &["config", "check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains(": ok"));

    let o = chiptape(home.path(), &["config", "init"]);
    assert_eq!(o.status.code(), Some(2), "does not overwrite without --force");
    assert!(stderr(&o).contains("--force"));
    std::fs::write(&path, "# mine\n").unwrap();
    let o = chiptape(home.path(), &["config", "init", "--force"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), chiptape::config::EXAMPLE_TOML);

    // The app uses the file at the default path: the example's groups show up in `quotes`.
    let o = chiptape(home.path(), &["quotes", "--demo", "--format", "json", AT]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// `--force` never loses the user's file: it is kept as `config.toml.bak`, then (that name taken)
/// with a timestamp, and the command says where.
#[test]
fn config_init_force_keeps_the_old_file_and_says_where() {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("config/chiptape/config.toml");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, "# mine\nrefresh_secs = 30\n").unwrap();
    let o = chiptape(home.path(), &["config", "init", "--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let bak = path.with_file_name("config.toml.bak");
    assert_eq!(std::fs::read_to_string(&bak).unwrap(), "# mine\nrefresh_secs = 30\n");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), chiptape::config::EXAMPLE_TOML);
    assert!(stdout(&o).contains(&format!("kept as {}", bak.display())), "{}", stdout(&o));

    std::fs::write(&path, "# mine, again\n").unwrap();
    let o = chiptape(home.path(), &["config", "init", "--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&bak).unwrap(), "# mine\nrefresh_secs = 30\n", "never overwritten");
    let said = stdout(&o);
    let second = said.lines().find_map(|l| l.strip_prefix("the old file is kept as ")).unwrap();
    let name = Path::new(second).file_name().unwrap().to_str().unwrap();
    assert!(name.starts_with("config.toml.2") && name.ends_with(".bak") && name.len() == 31, "{name}");
    assert_eq!(std::fs::read_to_string(second).unwrap(), "# mine, again\n");
    let o = chiptape(home.path(), &["config", "init"]);
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
}

#[test]
fn tui_refuses_without_a_terminal() {
    let home = tempfile::tempdir().unwrap();
    let o = chiptape(home.path(), &["--demo"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("terminal"));
}

#[test]
fn unknown_action_in_keys_fails_config_check() {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("k.toml");
    std::fs::write(&path, "[keys]\n\"ctrl-r\" = \"refresh\"\nx = \"launch_rockets\"\n").unwrap();
    let o = chiptape(home.path(), &["config", "check", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains(":3:5") && e.contains("keys.x") && e.contains("launch_rockets"), "{e}");
    std::fs::write(&path, "[keys]\n\"hyper-q\" = \"quit\"\n").unwrap();
    let o = chiptape(home.path(), &["config", "check", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown key name"), "{}", stderr(&o));
}

/// A key name with an escape sequence (it would set the terminal's title) is reported, printably.
#[test]
fn config_errors_never_carry_escape_sequences() {
    let home = tempfile::tempdir().unwrap();
    let cfg = home.path().join("c.toml");
    // TOML's own escapes: the key names hold ESC and BEL once parsed.
    std::fs::write(&cfg, r#""\u001b]0;pwned\u0007" = 1"#).unwrap();
    let o = chiptape(home.path(), &["config", "check", cfg.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("c.toml:1:1"), "{err}");
    assert!(!err.chars().any(|c| c.is_control() && c != '\n'), "{err:?}");
    assert!(err.contains("]0;pwned"), "the key is still named, minus its control bytes: {err:?}");
}

#[test]
fn holiday_config_errors_are_located() {
    let home = tempfile::tempdir().unwrap();
    let entry = |ex: &str, date: &str, close: &str| {
        format!("[[holidays]]\nexchange = \"{ex}\"\ndate = \"{date}\"\nname = \"x\"\n{close}")
    };
    check_fails(home.path(), &entry("HKEX", "2027-02-08", ""), "2:12", "holidays[0].exchange");
    check_fails(home.path(), &entry("HK", "2027-02-30", ""), "3:8", "holidays[0].date");
    check_fails(home.path(), &entry("HK", "2027-02-08", "close = \"noon\"\n"), "5:9", "holidays[0].close");
}

/// `calendar --format json`: the built-in table's closures and half days with the config's entries
/// beside them, each saying where it comes from.
#[test]
fn calendar_json_lists_closures_half_days_and_config_entries() {
    let home = tempfile::tempdir().unwrap();
    let cfg = home.path().join("c.toml");
    std::fs::write(
        &cfg,
        "[[holidays]]\nexchange = \"hk\"\ndate = \"2026-09-16\"\nname = \"Typhoon signal 8\"\n\n\
         [[holidays]]\nexchange = \"HK\"\ndate = \"2026-12-24\"\nname = \"Eve of Christmas Day\"\nclose = \"11:00\"\n",
    )
    .unwrap();
    let c = cfg.to_str().unwrap();
    let o = chiptape(
        home.path(),
        &["calendar", "--config", c, "--exchange", "HK", "--year", "2026", "--format", "json", AT],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let days = v.as_array().unwrap();
    let on = |d: &str| days.iter().find(|x| x["date"] == d).unwrap_or_else(|| panic!("no {d}"));
    for d in days {
        for f in ["exchange", "date", "name", "kind", "close", "source"] {
            assert!(d.get(f).is_some(), "{f} missing in {d}");
        }
        assert_eq!(d["exchange"], "HK");
        assert!(d["date"].as_str().unwrap().starts_with("2026-"));
    }
    let lny = on("2026-02-17");
    assert_eq!(
        (&lny["kind"], &lny["source"], &lny["close"]),
        (&"closed".into(), &"built-in".into(), &Value::Null)
    );
    assert_eq!(lny["name"], "Lunar New Year's Day");
    let eve = on("2026-02-16");
    assert_eq!((&eve["kind"], &eve["close"]), (&"half_day".into(), &"12:00".into()));
    // Moved from a Sunday.
    assert_eq!(on("2026-10-19")["name"], "The day following Chung Yeung Festival");
    // The config adds a day and corrects another; the corrected one is listed once.
    let typhoon = on("2026-09-16");
    assert_eq!((&typhoon["kind"], &typhoon["source"]), (&"closed".into(), &"config".into()));
    let xmas_eve: Vec<_> = days.iter().filter(|x| x["date"] == "2026-12-24").collect();
    assert_eq!(xmas_eve.len(), 1);
    assert_eq!((&xmas_eve[0]["close"], &xmas_eve[0]["source"]), (&"11:00".into(), &"config".into()));
    let dates: Vec<&str> = days.iter().map(|d| d["date"].as_str().unwrap()).collect();
    assert!(dates.windows(2).all(|w| w[0] < w[1]), "in date order: {dates:?}");
    assert!(days.iter().filter(|d| d["kind"] == "closed").count() >= 14);
}

#[test]
fn calendar_says_which_years_are_not_published_and_refuses_unknown_codes() {
    let home = tempfile::tempdir().unwrap();
    let o =
        chiptape(home.path(), &["calendar", "--exchange", "SH", "--year", "2027", "--format", "json", AT]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o).trim(), "[]");
    assert!(stderr(&o).contains("SH 2027: not published by the exchange yet"), "{}", stderr(&o));
    let o = chiptape(home.path(), &["calendar", AT]);
    assert_eq!(o.status.code(), Some(0));
    let table = stdout(&o);
    assert!(table.contains("NY    2026-11-27 Fri closes 13:00"), "{table}");
    assert!(table.contains("2027-"), "this year and the next");
    let o = chiptape(home.path(), &["calendar", "--exchange", "NYSE", AT]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("NY, HK, SH"), "{}", stderr(&o));
}

/// The table is one short line per closure, and under it one line per year naming the exchange's
/// notice: no addresses, mirrors or cross-checks (those stay in holidays.toml).
#[test]
fn calendar_table_is_one_short_line_per_closure_and_names_each_notice() {
    let home = tempfile::tempdir().unwrap();
    let o = chiptape(home.path(), &["calendar", AT]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let table = stdout(&o);
    for l in table.lines() {
        assert!(l.chars().count() <= 120, "too long: {l}");
        for research in ["://", "mirror", "Cross-checked", "transcribed", "seen 20"] {
            assert!(!l.contains(research), "research notes: {l}");
        }
    }
    let json = chiptape(home.path(), &["calendar", "--format", "json", AT]);
    let days = serde_json::from_str::<Value>(&stdout(&json)).unwrap().as_array().unwrap().len();
    let rows = table.lines().filter(|l| l.get(6..8) == Some("20")).count();
    assert_eq!(rows, days, "one line per closure or half day");
    assert!(table.contains("\nHK   2026  HKEX, Trading Calendar and Holiday Schedule\n"), "{table}");
    assert!(table.contains("\nSH   2027  not published yet"), "{table}");
}

/// On a holiday `market_state` is "closed" for that exchange's symbols, and the demo's prices stand.
#[test]
fn quotes_json_is_closed_on_a_holiday() {
    let home = tempfile::tempdir().unwrap();
    let json = |at: &str| -> Vec<Value> {
        let o = chiptape(home.path(), &["quotes", "--demo", "--format", "json", at]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        serde_json::from_str::<Value>(&stdout(&o)).unwrap().as_array().unwrap().clone()
    };
    // Thanksgiving, 11:00 in New York; the same hour the Tuesday before.
    let holiday = json("--fake-now=2026-11-26T16:00:00Z");
    let later = json("--fake-now=2026-11-26T19:00:00Z");
    let tuesday = json("--fake-now=2026-11-24T16:00:00Z");
    let nvda = |qs: &[Value]| qs.iter().find(|q| q["symbol"] == "NVDA").unwrap().clone();
    assert_eq!(nvda(&holiday)["market_state"], "closed");
    assert_eq!(nvda(&tuesday)["market_state"], "regular");
    assert_eq!(nvda(&holiday)["price"], nvda(&later)["price"], "no trading, no move");
    // Lunar New Year's Day, 10:30 in Hong Kong and Shanghai.
    let lny = json("--fake-now=2026-02-17T02:30:00Z");
    for s in ["0981.HK", "688981.SS"] {
        assert_eq!(lny.iter().find(|q| q["symbol"] == s).unwrap()["market_state"], "closed", "{s}");
    }
    let before = json("--fake-now=2026-02-13T02:30:00Z");
    assert_eq!(before.iter().find(|q| q["symbol"] == "0981.HK").unwrap()["market_state"], "regular");
}

/// The table writes each change at its price's precision (issue 26, item 16), as the watchlist
/// does: `-0.07` beside `12.34`, never `-0.070`.
#[test]
fn quotes_table_changes_at_the_price_precision() {
    let home = tempfile::tempdir().unwrap();
    let json = stdout(&chiptape(home.path(), &["quotes", "--demo", "--format", "json", AT]));
    let v: Value = serde_json::from_str(&json).unwrap();
    let table = stdout(&chiptape(home.path(), &["quotes", "--demo", AT]));
    let mut checked = 0;
    for q in v.as_array().unwrap() {
        let (Some(symbol), Some(change)) = (q["symbol"].as_str(), q["change"].as_f64()) else { continue };
        let shown = chiptape::present::number::change_at(change, q["price"].as_f64());
        let line = table.lines().find(|l| l.split_whitespace().next() == Some(symbol)).unwrap();
        assert!(line.split_whitespace().any(|w| w == shown), "{symbol}: {shown} in {line}");
        checked += 1;
    }
    assert!(checked > 10, "{checked}");
}
