//! Cold start of the Lambda functions, measured locally: each binary is spawned with the
//! environment Lambda would give it, against a fake Lambda Runtime API on 127.0.0.1, and timed
//! from process start to its first invocation's answer. See bench/coldstart.sh.

pub mod environment;
pub mod fake_aws;
pub mod functions;
pub mod report;
pub mod results;
pub mod runtime_api;
pub mod spawn;
pub mod stats;
pub mod targets;

use fake_aws::FakeAws;
use functions::Function;
use results::Measured;
use runtime_api::RuntimeApi;
use spawn::Output;

/// Spawns every function `spawns` times, round-robin so that a change in the machine's load
/// touches all of them alike, after `warmups` unrecorded spawns each (which put the binaries
/// and their libraries into the page cache, as a Lambda host's would be for a cached image).
pub async fn measure(
    functions: &[Function],
    spawns: usize,
    warmups: usize,
    output: Output,
) -> std::io::Result<Vec<Measured>> {
    let mut runtime = RuntimeApi::start().await?;
    let aws = FakeAws::start().await?;
    let mut measured: Vec<Measured> = functions
        .iter()
        .map(|f| Measured {
            kind: f.kind,
            name: f.name.clone(),
            samples: Vec::new(),
            failures: Vec::new(),
            zipped_bytes: None,
        })
        .collect();
    for round in 0..warmups + spawns {
        for (function, result) in functions.iter().zip(measured.iter_mut()) {
            let sample = spawn::cold_start(function, &mut runtime, &aws, output).await;
            if round < warmups {
                continue;
            }
            match sample {
                Ok(sample) => result.samples.push(sample),
                Err(e) => result.failures.push(e),
            }
        }
    }
    Ok(measured)
}
