// What the fuzz targets assert beyond "no crash": a broken property prints what was expected
// and aborts, which libFuzzer reports like a crash and saves the input for.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace linkledger::fuzz {

inline void expect(bool ok, char const* what)
{
    if (!ok) {
        std::fprintf(stderr, "fuzz property broken: %s\n", what);
        std::abort();
    }
}

inline bool one_of(std::string_view value, std::initializer_list<std::string_view> allowed)
{
    for (auto a : allowed)
        if (value == a)
            return true;
    return false;
}

} // namespace linkledger::fuzz
