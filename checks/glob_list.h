// clang-tidy's check-name globs: "-*,portability-*,hip-api-rename". Comma- or newline-separated
// globs where `*` matches any run of characters and a leading `-` excludes; the last glob that
// matches a name decides.
#pragma once

#include <string>
#include <vector>

namespace xpile::checks {

class GlobList {
public:
  explicit GlobList(const std::string &globs);
  bool contains(const std::string &name) const;
  bool empty() const { return items_.empty(); }

private:
  struct Item {
    bool positive;
    std::string pattern;
  };
  std::vector<Item> items_;
};

bool globMatches(const std::string &pattern, const std::string &text);

}  // namespace xpile::checks
