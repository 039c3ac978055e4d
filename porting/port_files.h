// File operations `xpile port` relies on for safety: reading whole files, atomic writes (a
// temporary file in the same directory, fsync, rename, so a reader or a killed run never sees a
// half-written file) and the in-place backups.
#pragma once

#include <optional>
#include <string>

namespace xpile::porting {

std::optional<std::string> readWholeFile(const std::string &path);

// Writes `contents` to `path` atomically, creating parent directories; `mode` (permission bits)
// is applied when non-zero. Returns an error message, empty on success.
std::string writeFileAtomically(const std::string &path, const std::string &contents, unsigned mode = 0);

// The permission bits of `path` (0 when unknown).
unsigned filePermissions(const std::string &path);

// Where in-place mode keeps the original of `relativePath` under `root`:
// ROOT/.xpile-port-backup/RELATIVE_PATH.
constexpr const char *kBackupDirName = ".xpile-port-backup";
std::string backupPathFor(const std::string &root, const std::string &relativePath);

// SHA-256 of `data`, as 64 hex digits.
std::string sha256Hex(const std::string &data);

}  // namespace xpile::porting
