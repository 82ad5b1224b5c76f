//! `chiptape search`: a listing looked up by its name or code, in any script, in every place
//! `provider.search` names (the local catalogue with no request, the remote sources together),
//! merged into one list of Yahoo-form symbols.

use std::io::Write;

use super::{EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, Io, SearchFormat};
use crate::config::{Config, SearchSource};
use crate::market::search::{Candidate, clean_query, merge};
use crate::present::sanitize::clean;
use crate::present::text::{pad, width};
use crate::providers::Providers;

/// The widest a name column grows in the table (longer names are cut with "…").
const NAME_CELLS: usize = 48;

/// Candidates for `words` (joined as one query) from the config's sources, printed; exit 1 when
/// there are none. A source that fails is named on stderr and the others' candidates still count.
pub async fn search(
    cfg: &Config,
    providers: &Providers,
    words: &[String],
    fmt: SearchFormat,
    io: Io<'_>,
) -> i32 {
    let Io { out, err } = io;
    let query = clean_query(&words.join(" "));
    if query.is_empty() {
        let _ = writeln!(err, "chiptape: search: nothing to look for (give a name or a code)");
        return EXIT_USAGE;
    }
    // Every remote source at once; the lists are merged in the config's order, the local one's
    // place included.
    let answers = futures::future::join_all(
        providers.search.iter().map(|s| async { (s.name(), s.search(&query).await) }),
    )
    .await;
    let mut lists: Vec<Vec<Candidate>> = Vec::new();
    for source in &cfg.provider.search {
        if *source == SearchSource::Local {
            lists.push(cfg.search_local(&query));
            continue;
        }
        for (name, answer) in answers.iter().filter(|(n, _)| *n == source.name()) {
            match answer {
                Ok(list) => lists.push(list.clone()),
                Err(e) => {
                    let _ = writeln!(err, "chiptape: {name}: {}", clean(&e.to_string()));
                }
            }
        }
    }
    let found = merge(lists.iter().map(Vec::as_slice), &query);
    let written = match fmt {
        SearchFormat::Json => serde_json::to_string_pretty(&found)
            .map_err(std::io::Error::other)
            .and_then(|t| writeln!(out, "{t}")),
        SearchFormat::Table if found.is_empty() => Ok(()),
        SearchFormat::Table => write_table(out, &found),
    };
    if let Err(e) = written {
        let _ = writeln!(err, "chiptape: cannot write output: {e}");
        return EXIT_PARTIAL;
    }
    if found.is_empty() {
        let _ = writeln!(err, "chiptape: nothing found for {query:?}");
        return EXIT_PARTIAL;
    }
    EXIT_OK
}

/// `SYMBOL  NAME  NAME_ZH  EXCHANGE  TYPE  SOURCE`, each column as wide as its widest cell (in
/// terminal cells: a Chinese character is two).
fn write_table(out: &mut dyn Write, found: &[Candidate]) -> std::io::Result<()> {
    let rows: Vec<[String; 6]> = found
        .iter()
        .map(|c| {
            [
                c.symbol.to_string(),
                c.name.clone().unwrap_or_default(),
                c.name_zh.clone().unwrap_or_default(),
                c.exchange.clone().unwrap_or_default(),
                c.kind.label().to_string(),
                c.source.to_string(),
            ]
        })
        .collect();
    let header = ["SYMBOL", "NAME", "NAME_ZH", "EXCHANGE", "TYPE", "SOURCE"].map(str::to_string);
    let mut cells = [0usize; 6];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in cells.iter_mut().zip(row) {
            *w = (*w).max(width(cell));
        }
    }
    cells[1] = cells[1].min(NAME_CELLS);
    cells[2] = cells[2].min(NAME_CELLS);
    for row in std::iter::once(&header).chain(&rows) {
        let mut line: Vec<String> = row.iter().zip(cells).map(|(cell, w)| pad(cell, w)).collect();
        // No trailing spaces after the last column.
        if let Some(last) = line.last_mut() {
            *last = last.trim_end().to_string();
        }
        writeln!(out, "{}", line.join("  "))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::market::Symbol;
    use crate::market::search::Kind;

    #[test]
    fn the_table_is_aligned_by_display_width() {
        let c = |s: &str, name: Option<&str>, zh: Option<&str>, ex: &str| Candidate {
            symbol: Symbol::parse(s).unwrap(),
            name: name.map(str::to_string),
            name_zh: zh.map(str::to_string),
            exchange: Some(ex.to_string()),
            kind: Kind::Equity,
            source: "tencent",
        };
        let found = [
            c("688256.SS", Some("Cambricon"), Some("寒武纪"), "Shanghai"),
            c("1347.HK", None, Some("华虹半导体"), "Hong Kong"),
            c("NVDA", Some("NVIDIA Corporation"), None, "NASDAQ"),
        ];
        let mut out = Vec::new();
        write_table(&mut out, &found).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 4);
        let header: Vec<&str> = lines[0].split_whitespace().collect();
        assert_eq!(header, ["SYMBOL", "NAME", "NAME_ZH", "EXCHANGE", "TYPE", "SOURCE"], "{text}");
        assert!(lines[0].starts_with("SYMBOL     NAME  "), "two spaces between columns: {text}");
        // Every row's EXCHANGE starts in the same cell, Chinese names or not.
        let at = |l: &str, what: &str| width(&l[..l.find(what).unwrap()]);
        assert_eq!(at(lines[1], "Shanghai"), at(lines[0], "EXCHANGE"));
        assert_eq!(at(lines[2], "Hong Kong"), at(lines[0], "EXCHANGE"));
        assert_eq!(at(lines[3], "NASDAQ"), at(lines[0], "EXCHANGE"));
        assert!(lines.iter().all(|l| !l.ends_with(' ')));
    }
}
