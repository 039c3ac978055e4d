#include "porting/port_report.h"

#include <cstdio>
#include <map>

namespace xpile::porting {

namespace {

// "{}" placeholders filled in order (this library does not link fmt).
template <typename... Args> std::string format(const char *pattern, const Args &...args) {
  std::vector<std::string> values;
  auto text = [](const auto &v) {
    using T = std::decay_t<decltype(v)>;
    if constexpr (std::is_same_v<T, std::string>) return v;
    else if constexpr (std::is_same_v<T, const char *> || std::is_same_v<T, char *>) return std::string(v);
    else if constexpr (std::is_floating_point_v<T>) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.2f", static_cast<double>(v));
      return std::string(buf);
    } else return std::to_string(v);
  };
  (values.push_back(text(args)), ...);
  std::string out;
  size_t next = 0;
  for (const char *p = pattern; *p; ++p) {
    if (p[0] == '{' && p[1] == '}') {
      out += next < values.size() ? values[next++] : "";
      ++p;
    } else {
      out += *p;
    }
  }
  return out;
}

}  // namespace

const char *statusName(PortedFile::Status status) {
  switch (status) {
  case PortedFile::Status::Ported: return "ported";
  case PortedFile::Status::Unchanged: return "unchanged";
  case PortedFile::Status::Failed: return "failed";
  case PortedFile::Status::Skipped: return "skipped";
  }
  return "?";
}

const char *kindName(PortFileKind kind) {
  switch (kind) {
  case PortFileKind::Source: return "source";
  case PortFileKind::Header: return "header";
  case PortFileKind::BuildFile: return "build";
  case PortFileKind::Other: return "other";
  }
  return "?";
}

std::vector<std::string> PortReport::failureReasons() const {
  std::vector<std::string> reasons = errors;
  for (const PortedFile &f : files) {
    if (f.status == PortedFile::Status::Failed) reasons.push_back(f.path + ": not ported");
    if (f.status == PortedFile::Status::Skipped) reasons.push_back(f.path + ": skipped: " + f.failure);
    for (const Diagnostic &d : f.diagnostics)
      if (d.level == Diagnostic::Level::Error) reasons.push_back(format("{}:{}:{}: error: {}", d.file, d.line, d.column, d.message));
    for (const KernelRewrite &k : f.kernels)
      if (!k.verified) reasons.push_back(format("{}:{}: kernel '{}' not verified: {}", k.file, k.line, k.name, k.why));
  }
  return reasons;
}

bool PortReport::success() const { return failureReasons().empty(); }

namespace {

struct Totals {
  unsigned files = 0, lines = 0, ported = 0, unchanged = 0, failed = 0, skipped = 0, cached = 0, written = 0;
  unsigned converted = 0, warnings = 0, errors = 0, kept = 0, kernelsVerified = 0, kernelsNotVerified = 0;
  std::map<std::string, unsigned> byLibrary, byKind;  // converted references
};

Totals totalsOf(const PortReport &report) {
  Totals t;
  for (const PortedFile &f : report.files) {
    ++t.files;
    t.lines += f.lines;
    t.ported += f.status == PortedFile::Status::Ported;
    t.unchanged += f.status == PortedFile::Status::Unchanged;
    t.failed += f.status == PortedFile::Status::Failed;
    t.skipped += f.status == PortedFile::Status::Skipped;
    t.cached += f.cached;
    t.written += f.written;
    t.converted += f.converted.size();
    for (const auto &c : f.converted) {
      ++t.byLibrary[c.library];
      ++t.byKind[c.kind];
    }
    for (const auto &d : f.diagnostics) {
      t.warnings += d.level == Diagnostic::Level::Warning;
      t.errors += d.level == Diagnostic::Level::Error;
    }
    t.kept += f.kept.size();
    for (const auto &k : f.kernels) (k.verified ? t.kernelsVerified : t.kernelsNotVerified)++;
  }
  return t;
}

// Markdown table cells: no pipes or newlines.
std::string cell(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += ' ';
    else out += c;
  }
  return out;
}

}  // namespace

std::string reportMarkdown(const PortReport &report) {
  Totals t = totalsOf(report);
  std::string md = "# xpile port report\n\n";
  md += format("- source: `{}`\n- {}: `{}`\n- xpile {}, {} job(s), {} s\n- result: **{}**\n\n",
                    report.source, report.inPlace ? "in place" : "output", report.destination, report.xpileVersion,
                    report.jobs, report.seconds, report.success() ? "success" : "incomplete");
  md += "## Totals\n\n| | |\n|---|---|\n";
  md += format("| files | {} ({} ported, {} unchanged, {} failed, {} skipped) |\n", t.files, t.ported, t.unchanged,
                    t.failed, t.skipped);
  md += format("| files from the cache / written | {} / {} |\n", t.cached, t.written);
  md += format("| lines of code | {} |\n| converted references | {} |\n", t.lines, t.converted);
  for (const auto &[lib, n] : t.byLibrary) md += format("| converted, {} | {} |\n", lib, n);
  for (const auto &[kind, n] : t.byKind) md += format("| converted, by kind: {} | {} |\n", kind, n);
  md += format("| warnings / errors | {} / {} |\n| spans kept unchanged | {} |\n", t.warnings, t.errors, t.kept);
  md += format("| kernels verified / not verified | {} / {} |\n", t.kernelsVerified, t.kernelsNotVerified);
  md += format("| time | {} s ({} files/s, {} lines/s) |\n\n", report.seconds,
                    report.seconds > 0 ? t.files / report.seconds : 0.0, report.seconds > 0 ? t.lines / report.seconds : 0.0);
  if (!report.success()) {
    md += "## Why the run is incomplete\n\n";
    for (const auto &r : report.failureReasons()) md += "- " + cell(r) + "\n";
    md += "\n";
  }
  md += "## Files\n\n| file | ported as | kind | status | lines | converted | warnings | kernels verified |\n"
        "|---|---|---|---|---|---|---|---|\n";
  for (const PortedFile &f : report.files) {
    unsigned verified = 0;
    for (const auto &k : f.kernels) verified += k.verified;
    md += format("| `{}` | `{}` | {} | {}{} | {} | {} | {} | {}/{} |\n", f.path, f.outputPath, kindName(f.kind),
                      statusName(f.status), f.cached ? " (cached)" : "", f.lines, f.converted.size(),
                      f.diagnostics.size(), verified, f.kernels.size());
  }
  md += "\n";
  for (const PortedFile &f : report.files) {
    if (f.converted.empty() && f.diagnostics.empty() && f.kept.empty() && f.kernels.empty() && f.failure.empty()) continue;
    md += "### `" + f.path + "`\n\n";
    if (!f.failure.empty()) md += "```\n" + f.failure + (f.failure.back() == '\n' ? "" : "\n") + "```\n\n";
    if (!f.converted.empty()) {
      md += "| line:col | library | kind | from | to |\n|---|---|---|---|---|\n";
      for (const auto &c : f.converted)
        md += format("| {}:{} | {} | {} | `{}` | `{}` |\n", c.line, c.column, c.library, c.kind, cell(c.from), cell(c.to));
      md += "\n";
    }
    for (const auto &k : f.kernels)
      md += format("- kernel `{}` (line {}): {}{}\n", k.name, k.line, k.verified ? "verified" : "NOT verified",
                        k.why.empty() ? "" : " — " + cell(k.why));
    for (const auto &d : f.diagnostics)
      md += format("- `{}:{}:{}: {}: {}{}`\n", d.file, d.line, d.column, levelName(d.level), d.message,
                        d.check.empty() ? "" : " [" + d.check + "]");
    for (const auto &k : f.kept)
      md += format("- kept unchanged at {}:{}: `{}` — {}\n", k.line, k.column, cell(k.text), cell(k.reason));
    md += "\n";
  }
  return md;
}

nlohmann::json reportJson(const PortReport &report) {
  Totals t = totalsOf(report);
  nlohmann::json j;
  j["source"] = report.source;
  j["destination"] = report.destination;
  j["inPlace"] = report.inPlace;
  j["jobs"] = report.jobs;
  j["seconds"] = report.seconds;
  j["xpileVersion"] = report.xpileVersion;
  j["success"] = report.success();
  j["failureReasons"] = report.failureReasons();
  j["totals"] = {{"files", t.files},         {"lines", t.lines},           {"ported", t.ported},
                 {"unchanged", t.unchanged}, {"failed", t.failed},         {"skipped", t.skipped},
                 {"cached", t.cached},       {"written", t.written},       {"converted", t.converted},
                 {"convertedByLibrary", t.byLibrary}, {"convertedByKind", t.byKind},
                 {"warnings", t.warnings},   {"errors", t.errors},         {"kept", t.kept},
                 {"kernelsVerified", t.kernelsVerified}, {"kernelsNotVerified", t.kernelsNotVerified}};
  j["files"] = nlohmann::json::array();
  for (const PortedFile &f : report.files) {
    UnitResult unit;
    unit.parsed = f.status != PortedFile::Status::Failed;
    unit.converted = f.converted;
    unit.diagnostics = f.diagnostics;
    unit.kept = f.kept;
    unit.kernels = f.kernels;
    nlohmann::json u = unitResultToJson(unit);
    j["files"].push_back({{"path", f.path},
                          {"outputPath", f.outputPath},
                          {"kind", kindName(f.kind)},
                          {"status", statusName(f.status)},
                          {"cached", f.cached},
                          {"written", f.written},
                          {"lines", f.lines},
                          {"failure", f.failure},
                          {"converted", u["converted"]},
                          {"diagnostics", u["diagnostics"]},
                          {"kept", u["kept"]},
                          {"kernels", u["kernels"]}});
  }
  return j;
}

}  // namespace xpile::porting
