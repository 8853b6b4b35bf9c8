// Writing the Prometheus text exposition format (version 0.0.4): HELP and TYPE lines, then
// samples with escaped label values.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace linkledger::metrics {

using label = std::pair<std::string_view, std::string_view>;

class prometheus_text {
public:
    // Starts a metric family; `type` is counter, gauge or histogram.
    void family(std::string_view name, std::string_view type, std::string_view help);
    void sample(std::string_view name, std::initializer_list<label> labels, double value);
    void sample(std::string_view name, std::initializer_list<label> labels, std::uint64_t value);

    std::string const& text() const { return out_; }
    std::string take() { return std::move(out_); }

private:
    void name_and_labels(std::string_view name, std::initializer_list<label> labels);
    std::string out_;
};

inline constexpr std::string_view k_content_type = "text/plain; version=0.0.4; charset=utf-8";

} // namespace linkledger::metrics
