// What the listener tells about each answered request, for metrics. Implemented outside
// http/ (metrics/), so the listener knows nothing of how requests are counted.
#pragma once

#include <chrono>
#include <cstddef>

namespace linkledger::http {

class request_observer {
public:
    virtual ~request_observer() = default;
    // `route` is the router's index of the matched route (router::unmatched() for none).
    // Called on an I/O thread for every response: must not block or allocate.
    virtual void observe(std::size_t route, unsigned status, std::chrono::nanoseconds took) noexcept = 0;
};

} // namespace linkledger::http
