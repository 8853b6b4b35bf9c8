// Waiting for an observable state instead of sleeping a guessed time: a loaded CI machine (two
// cores, sanitizers) may take many times longer than a developer's, and a sleep that was long
// enough there fails here. The deadline is generous; on a fast machine the wait ends at once.
#pragma once

#include <chrono>
#include <thread>

namespace linkledger::testing {

// True as soon as `condition()` is, false when `limit` passed first.
template <class Condition>
bool eventually(Condition&& condition, std::chrono::milliseconds limit = std::chrono::seconds(30))
{
    auto const deadline = std::chrono::steady_clock::now() + limit;
    while (!condition()) {
        if (std::chrono::steady_clock::now() >= deadline)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
}

} // namespace linkledger::testing
