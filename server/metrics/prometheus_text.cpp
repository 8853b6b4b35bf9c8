#include "metrics/prometheus_text.hpp"

#include <fmt/format.h>

#include <cmath>

namespace linkledger::metrics {

void prometheus_text::family(std::string_view name, std::string_view type, std::string_view help)
{
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += help; // our own constant text: no backslashes or newlines to escape
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
}

void prometheus_text::name_and_labels(std::string_view name, std::initializer_list<label> labels)
{
    out_ += name;
    if (labels.size() == 0)
        return;
    out_ += '{';
    bool first = true;
    for (auto const& [key, value] : labels) {
        if (!first)
            out_ += ',';
        first = false;
        out_ += key;
        out_ += "=\"";
        // Label values can come from the database (conversion statuses): escape as the format says.
        for (char const c : value) {
            if (c == '\\')
                out_ += "\\\\";
            else if (c == '"')
                out_ += "\\\"";
            else if (c == '\n')
                out_ += "\\n";
            else
                out_ += c;
        }
        out_ += '"';
    }
    out_ += '}';
}

void prometheus_text::sample(std::string_view name, std::initializer_list<label> labels, double value)
{
    name_and_labels(name, labels);
    if (std::isnan(value))
        out_ += " NaN\n";
    else if (std::isinf(value))
        out_ += value > 0 ? " +Inf\n" : " -Inf\n";
    else
        out_ += fmt::format(" {}\n", value);
}

void prometheus_text::sample(std::string_view name, std::initializer_list<label> labels,
                             std::uint64_t value)
{
    name_and_labels(name, labels);
    out_ += fmt::format(" {}\n", value);
}

} // namespace linkledger::metrics
