//! Sparklines: a series squeezed into a few cells of block characters.

use crate::market::series::Series;

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// `width` cells, oldest on the left; each cell the last price of its slice of the day. The scale
/// includes the previous close, so a flat day reads flat, not as noise blown up to full height.
pub fn line(series: &Series, width: usize) -> String {
    let n = series.points.len();
    if n == 0 || width == 0 {
        return String::new();
    }
    let cells = width.min(n);
    let values: Vec<f64> = (0..cells).map(|i| series.points[((i + 1) * n).div_ceil(cells) - 1].1).collect();
    let (mut lo, mut hi) = series.min_max().unwrap_or((0.0, 0.0));
    if let Some(pc) = series.previous_close {
        lo = lo.min(pc);
        hi = hi.max(pc);
    }
    let span = hi - lo;
    values
        .iter()
        .map(|v| {
            if span <= f64::EPSILON {
                BARS[3]
            } else {
                BARS[(((v - lo) / span) * 7.0).round().clamp(0.0, 7.0) as usize]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Duration, Utc};

    fn series(values: &[f64], pc: Option<f64>) -> Series {
        let t0: DateTime<Utc> = "2026-11-24T14:30:00Z".parse().unwrap();
        Series {
            points: values
                .iter()
                .enumerate()
                .map(|(i, v)| (t0 + Duration::minutes(5 * i as i64), *v))
                .collect(),
            previous_close: pc,
            ..Series::default()
        }
    }

    #[test]
    fn rises_and_falls() {
        assert_eq!(line(&series(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], None), 8), "▁▂▃▄▅▆▇█");
        assert_eq!(line(&series(&[8.0, 1.0], None), 10), "█▁", "never wider than the data");
        assert_eq!(line(&series(&[5.0, 5.0, 5.0], None), 3), "▄▄▄");
        assert_eq!(line(&series(&[], None), 5), "");
        let squeezed = line(&series(&(0..100).map(f64::from).collect::<Vec<_>>(), None), 10);
        assert_eq!(squeezed.chars().count(), 10);
        assert!(squeezed.ends_with('█'));
        let levels: Vec<usize> =
            squeezed.chars().map(|c| BARS.iter().position(|b| *b == c).unwrap()).collect();
        assert!(levels.windows(2).all(|w| w[0] <= w[1]), "a rising day rises: {squeezed}");
    }
}
