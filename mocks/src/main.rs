//! `paradex-mock`: the offline Paradex exchange on a loopback port.

fn main() -> anyhow::Result<()> {
    anyhow::bail!("paradex-mock: the server is being assembled (issue #3)")
}
