//! The CI gate: limits on wasted bytes, wasted percent and efficiency, from the command line or
//! from a `.dive-ci` file in dive's format, so a project that gates on dive can switch as it is.

use super::waste::Totals;
use serde::Deserialize;

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Gate {
    pub max_wasted_bytes: Option<u64>,
    /// A percentage, 0–100.
    pub max_wasted_percent: Option<f64>,
    /// A ratio, 0–1, as dive's `lowestEfficiency`.
    pub min_efficiency: Option<f64>,
}

#[derive(Deserialize)]
struct DiveCi {
    #[serde(default)]
    rules: DiveRules,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DiveRules {
    lowest_efficiency: Option<serde_yaml::Value>,
    highest_wasted_bytes: Option<serde_yaml::Value>,
    highest_user_wasted_percent: Option<serde_yaml::Value>,
}

impl Gate {
    /// Reads a `.dive-ci` file's `rules:` (a value of `disabled` leaves a limit unset, as in dive).
    pub fn from_dive_ci(text: &str) -> Result<Gate, String> {
        let file: DiveCi = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
        let text_of = |value: &Option<serde_yaml::Value>| -> Option<String> {
            match value.as_ref()? {
                serde_yaml::Value::String(s) if s.eq_ignore_ascii_case("disabled") => None,
                serde_yaml::Value::String(s) => Some(s.trim().to_string()),
                serde_yaml::Value::Number(n) => Some(n.to_string()),
                _ => None,
            }
        };
        let ratio = |key: &str, value: &Option<serde_yaml::Value>| -> Result<Option<f64>, String> {
            text_of(value)
                .map(|t| {
                    t.parse::<f64>()
                        .ok()
                        .filter(|r| (0.0..=1.0).contains(r))
                        .ok_or(format!("{key}: {t:?} is not a ratio between 0 and 1"))
                })
                .transpose()
        };
        Ok(Gate {
            min_efficiency: ratio("lowestEfficiency", &file.rules.lowest_efficiency)?,
            max_wasted_percent: ratio(
                "highestUserWastedPercent",
                &file.rules.highest_user_wasted_percent,
            )?
            .map(|r| r * 100.0),
            max_wasted_bytes: text_of(&file.rules.highest_wasted_bytes)
                .map(|t| parse_bytes(&t).map_err(|e| format!("highestWastedBytes: {e}")))
                .transpose()?,
        })
    }

    /// `self`'s limits where set, else `other`'s (command-line flags over the file).
    pub fn or(self, other: Gate) -> Gate {
        Gate {
            max_wasted_bytes: self.max_wasted_bytes.or(other.max_wasted_bytes),
            max_wasted_percent: self.max_wasted_percent.or(other.max_wasted_percent),
            min_efficiency: self.min_efficiency.or(other.min_efficiency),
        }
    }

    /// One sentence per limit the image exceeds.
    pub fn failures(&self, totals: &Totals) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(max) = self.max_wasted_bytes
            && totals.wasted_bytes > max
        {
            out.push(format!(
                "wasted bytes {} > --max-wasted-bytes {max}",
                totals.wasted_bytes
            ));
        }
        if let Some(max) = self.max_wasted_percent
            && totals.wasted_percent > max
        {
            out.push(format!(
                "wasted {:.2} % > --max-wasted-percent {max}",
                totals.wasted_percent
            ));
        }
        if let Some(min) = self.min_efficiency
            && totals.efficiency < min
        {
            out.push(format!(
                "efficiency {:.4} < --min-efficiency {min}",
                totals.efficiency
            ));
        }
        out
    }
}

/// `20MB`, `1.5 GiB`, `300000`: decimal units (kB, MB, GB, TB) are powers of 1000, binary ones
/// (KiB, MiB, GiB, TiB) powers of 1024, as dive reads them.
pub fn parse_bytes(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a size (e.g. 20MB, 1GiB, 300000)"))?;
    let scale: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "m" | "mb" => 1e6,
        "g" | "gb" => 1e9,
        "t" | "tb" => 1e12,
        "ki" | "kib" => 1024.0,
        "mi" | "mib" => 1024.0 * 1024.0,
        "gi" | "gib" => 1024.0 * 1024.0 * 1024.0,
        "ti" | "tib" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        other => return Err(format!("{other:?} is not a unit of size")),
    };
    Ok((number * scale).round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn totals(wasted: u64, total: u64) -> Totals {
        Totals {
            total_bytes: total,
            final_bytes: total - wasted,
            wasted_bytes: wasted,
            efficiency: (total - wasted) as f64 / total as f64,
            wasted_percent: 100.0 * wasted as f64 / total as f64,
        }
    }

    #[test]
    fn sizes_read_with_decimal_and_binary_units() {
        assert_eq!(parse_bytes("20MB").unwrap(), 20_000_000);
        assert_eq!(parse_bytes("1.5 KiB").unwrap(), 1536);
        assert_eq!(parse_bytes("300").unwrap(), 300);
        assert!(parse_bytes("ten").is_err());
        assert!(parse_bytes("5 parsecs").is_err());
    }

    #[test]
    fn dive_ci_rules_become_limits() {
        let gate = Gate::from_dive_ci(
            "rules:\n  lowestEfficiency: 0.95\n  highestWastedBytes: 20MB\n  highestUserWastedPercent: disabled\n",
        )
        .unwrap();
        assert_eq!(gate.min_efficiency, Some(0.95));
        assert_eq!(gate.max_wasted_bytes, Some(20_000_000));
        assert_eq!(gate.max_wasted_percent, None);
        assert!(Gate::from_dive_ci("rules:\n  lowestEfficiency: 95\n").is_err());
    }

    #[test]
    fn each_exceeded_limit_is_one_failure() {
        let gate = Gate {
            max_wasted_bytes: Some(100),
            max_wasted_percent: Some(50.0),
            min_efficiency: Some(0.9),
        };
        // At each limit exactly: nothing exceeded.
        assert!(gate.failures(&totals(100, 1000)).is_empty());
        assert_eq!(gate.failures(&totals(101, 1000)).len(), 2);
        assert_eq!(gate.failures(&totals(600, 1000)).len(), 3);
        assert!(Gate::default().failures(&totals(600, 1000)).is_empty());
    }
}
