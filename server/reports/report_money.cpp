#include "reports/report_money.hpp"

#include <boost/json/string.hpp>

#include <cstdint>
#include <limits>
#include <string>

namespace linkledger::reports {

wide wide_of_text(std::string_view text)
{
    wide value = 0;
    for (char const c : text)
        if (c >= '0' && c <= '9')
            value = value * 10 + (c - '0');
    return text.starts_with('-') ? -value : value;
}

boost::json::value json_money(wide value)
{
    if (value >= std::numeric_limits<std::int64_t>::min() && value <= std::numeric_limits<std::int64_t>::max())
        return static_cast<std::int64_t>(value);
    bool const negative = value < 0;
    std::string digits;
    for (auto rest = negative ? -value : value; rest > 0; rest /= 10)
        digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(rest % 10)));
    return boost::json::string(negative ? "-" + digits : digits);
}

wide wide_of_json(boost::json::value const& value)
{
    if (value.is_int64())
        return value.get_int64();
    if (value.is_uint64())
        return value.get_uint64();
    if (value.is_string())
        return wide_of_text(value.get_string());
    return 0;
}

} // namespace linkledger::reports
