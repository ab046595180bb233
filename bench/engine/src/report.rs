//! Reading what the benchmark steps wrote: criterion's estimates, `openssl speed` output, the
//! JSON of the throughput and request-count tools, and where this machine stands.

use crate::Result;
use serde_json::Value;
use std::path::Path;

/// Mean time per iteration in nanoseconds of criterion benchmark `group/function`, from
/// `{target}/criterion/{group}/{function}/new/estimates.json`.
pub fn criterion_mean_ns(target: &Path, id: &str) -> Result<f64> {
    let path = target.join("criterion").join(id).join("new/estimates.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let estimates: Value = serde_json::from_str(&text)?;
    estimates["mean"]["point_estimate"]
        .as_f64()
        .ok_or_else(|| format!("{}: no mean", path.display()).into())
}

/// Bytes per second for each block size in `openssl speed` output: the `type` row names the
/// sizes ("10485760 bytes" or "16 bytes 64 bytes …"), the next row the rates in 1000s of bytes
/// per second ("1909347.34k").
pub fn openssl_rates(output: &str) -> Result<Vec<(u64, f64)>> {
    let lines: Vec<&str> = output.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("type"))
        .ok_or("no `type` row in the openssl output")?;
    let sizes: Vec<u64> = lines[at].split_whitespace().filter_map(|w| w.parse().ok()).collect();
    let rates: Vec<f64> = lines
        .get(at + 1)
        .ok_or("no rates row in the openssl output")?
        .split_whitespace()
        .skip(1)
        .filter_map(|w| w.strip_suffix('k')?.parse::<f64>().ok())
        .map(|k| k * 1000.0)
        .collect();
    if sizes.is_empty() || sizes.len() != rates.len() {
        return Err(format!("cannot read sizes {sizes:?} and rates {rates:?} from the openssl output").into());
    }
    Ok(sizes.into_iter().zip(rates).collect())
}

pub fn read_json(path: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(serde_json::from_str(&text)?)
}

/// The CPU model and the number of CPUs this process may use.
pub fn machine() -> (String, usize) {
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines().find_map(|l| {
                l.strip_prefix("model name")
                    .map(|r| r.trim_start_matches([' ', '\t', ':']).to_owned())
            })
        })
        .unwrap_or_else(|| "unknown".into());
    let cpus = std::thread::available_parallelism().map_or(1, usize::from);
    (model, cpus)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_openssl_speed_with_one_and_with_several_block_sizes() {
        let one = "The 'numbers' are in 1000s of bytes per second processed.\ntype        10485760 bytes\nsha256         1909347.34k\n";
        assert_eq!(openssl_rates(one).unwrap(), vec![(10_485_760, 1_909_347_340.0)]);
        let several = "type             16 bytes     64 bytes\nsha256           1000.50k     2000.00k\n";
        assert_eq!(
            openssl_rates(several).unwrap(),
            vec![(16, 1_000_500.0), (64, 2_000_000.0)]
        );
        assert!(openssl_rates("nothing").is_err());
    }
}
