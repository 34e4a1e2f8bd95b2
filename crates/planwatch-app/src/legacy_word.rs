//! Old Word and WPS documents (.doc, .wps) → .docx through LibreOffice headless
//! (`soffice --convert-to docx`), when it is installed. The converted file then goes through the
//! same guarded .docx reader as an upload. LibreOffice runs in its own process group with a
//! private profile in a fresh temporary folder, on a copy of the bytes, and is killed (the whole
//! group) when it takes longer than [`TIMEOUT`]; the folder is removed afterwards.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long one conversion may take.
pub const TIMEOUT: Duration = Duration::from_secs(120);
/// The largest old Word file converted.
pub const MAX_BYTES: usize = 32 << 20;
/// The program to use instead of `soffice`/`libreoffice` found on `PATH`.
pub const SOFFICE_ENV: &str = "PLANWATCH_SOFFICE";

/// LibreOffice's program: `PLANWATCH_SOFFICE`, else `soffice` or `libreoffice` on `PATH`.
pub fn soffice() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(SOFFICE_ENV) {
        let p = PathBuf::from(p);
        return p.is_file().then_some(p);
    }
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .flat_map(|d| [d.join("soffice"), d.join("libreoffice")])
        .find(|p| p.is_file())
}

fn missing(file_name: &str) -> String {
    format!(
        "“{file_name}”是旧版 Word/WPS 文档 (.doc/.wps)，需要 LibreOffice 转换，但本机没有安装：请安装 LibreOffice（Debian/Ubuntu：apt-get install libreoffice-writer；或设置 {SOFFICE_ENV} 指向 soffice），或在 Word/WPS 中另存为 .docx 后再导入"
    )
}

/// A fresh private folder under the system's temporary folder.
fn scratch() -> std::io::Result<PathBuf> {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let dir =
        std::env::temp_dir().join(format!("planwatch-doc-{}-{n}-{nanos}", std::process::id()));
    std::fs::create_dir(&dir)?;
    Ok(dir)
}

/// Converts an old Word/WPS document to .docx with LibreOffice. The error says what to install
/// or what went wrong, in Chinese.
pub fn to_docx(bytes: &[u8], file_name: &str) -> Result<Vec<u8>, String> {
    let Some(exe) = soffice() else {
        return Err(missing(file_name));
    };
    if bytes.len() > MAX_BYTES {
        return Err(format!(
            "旧版 Word 文档过大：{} MiB，上限 {} MiB",
            bytes.len() >> 20,
            MAX_BYTES >> 20
        ));
    }
    let dir = scratch().map_err(|e| format!("无法创建临时目录：{e}"))?;
    let result = convert(&exe, &dir, bytes, file_name);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn convert(exe: &Path, dir: &Path, bytes: &[u8], file_name: &str) -> Result<Vec<u8>, String> {
    let lower = file_name.to_lowercase();
    let ext = if lower.ends_with(".wps") {
        "wps"
    } else {
        "doc"
    };
    let input = dir.join(format!("plan.{ext}"));
    std::fs::write(&input, bytes).map_err(|e| format!("无法写入临时文件：{e}"))?;
    let profile = dir.join("profile");
    let log = dir.join("soffice.log");
    let stderr = std::fs::File::create(&log).map_err(|e| format!("无法写入临时文件：{e}"))?;
    let mut child = {
        use std::os::unix::process::CommandExt as _;
        Command::new(exe)
            .arg(format!(
                "-env:UserInstallation=file://{}",
                profile.display()
            ))
            .args([
                "--headless",
                "--norestore",
                "--nologo",
                "--convert-to",
                "docx",
                "--outdir",
            ])
            .arg(dir)
            .arg(&input)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr)
            .process_group(0)
            .spawn()
            .map_err(|e| format!("无法启动 LibreOffice（{}）：{e}", exe.display()))?
    };
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(st)) => break st,
            Ok(None) if start.elapsed() > TIMEOUT => {
                // soffice starts soffice.bin in the same group: end them all.
                let _ = Command::new("kill")
                    .args(["-KILL", &format!("-{}", child.id())])
                    .status();
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "LibreOffice 转换“{file_name}”超过 {} 秒，已停止",
                    TIMEOUT.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(format!("LibreOffice 转换失败：{e}")),
        }
    };
    let out = dir.join("plan.docx");
    match std::fs::read(&out) {
        Ok(docx) if status.success() => Ok(docx),
        _ => {
            let err = std::fs::read(&log)
                .map(|b| String::from_utf8_lossy(&b[..b.len().min(2000)]).into_owned())
                .unwrap_or_default();
            Err(format!(
                "LibreOffice 无法转换“{file_name}”（可能不是 Word/WPS 文档或文件已损坏）{}",
                err.lines()
                    .find(|l| !l.trim().is_empty() && !l.contains("javaldx"))
                    .map(|l| format!("：{}", l.trim()))
                    .unwrap_or_default()
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_libreoffice_the_message_says_what_to_install() {
        let m = missing("计划.doc");
        assert!(m.contains("计划.doc") && m.contains("LibreOffice") && m.contains(".docx"));
    }
}
