// How a query renders a timestamptz for the API: ISO 8601 in UTC with a "Z" ("2026-11-20T18:00:00Z"),
// written once. The SQL is assembled at compile time, so a query built from these fragments is
// still one named constant (`k_select.c_str()`), with nothing concatenated per call.
#pragma once

#include <cstddef>
#include <string_view>

namespace linkledger::db {

// SQL text of a length known at compile time; `+` joins two pieces (or a piece and a literal).
template <std::size_t N>
struct sql_text {
    char chars[N + 1]{};

    constexpr sql_text() = default;
    constexpr sql_text(char const (&text)[N + 1])
    {
        for (std::size_t i = 0; i < N; ++i)
            chars[i] = text[i];
    }

    constexpr char const* c_str() const { return chars; }
    constexpr std::string_view view() const { return {chars, N}; }
};

template <std::size_t M>
sql_text(char const (&)[M]) -> sql_text<M - 1>;

template <std::size_t A, std::size_t B>
constexpr sql_text<A + B> operator+(sql_text<A> const& a, sql_text<B> const& b)
{
    sql_text<A + B> joined;
    for (std::size_t i = 0; i < A; ++i)
        joined.chars[i] = a.chars[i];
    for (std::size_t i = 0; i < B; ++i)
        joined.chars[A + i] = b.chars[i];
    return joined;
}

template <std::size_t A, std::size_t M>
constexpr sql_text<A + M - 1> operator+(sql_text<A> const& a, char const (&b)[M])
{
    return a + sql_text<M - 1>(b);
}

template <std::size_t M, std::size_t B>
constexpr sql_text<M - 1 + B> operator+(char const (&a)[M], sql_text<B> const& b)
{
    return sql_text<M - 1>(a) + b;
}

// Digits after the seconds: none for what a person entered (posted_at, valid_until), more
// where the order of close events matters (audit entries, clicks).
enum class time_precision { seconds, milliseconds, microseconds };

template <time_precision precision>
constexpr auto fraction_format()
{
    if constexpr (precision == time_precision::milliseconds)
        return sql_text(".MS");
    else if constexpr (precision == time_precision::microseconds)
        return sql_text(".US");
    else
        return sql_text("");
}

// to_char((expression) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'): a NULL stays NULL.
template <time_precision precision = time_precision::seconds, std::size_t M>
constexpr auto utc_timestamp(char const (&expression)[M])
{
    return "to_char((" + sql_text(expression) + ") AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS" +
           fraction_format<precision>() + "\"Z\"')";
}

} // namespace linkledger::db
