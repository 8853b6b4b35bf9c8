#include "logging/thread_name.hpp"

#include <pthread.h>

namespace linkledger::logging {

void name_this_thread(char const* name)
{
    // A longer name is refused (ERANGE) and the thread keeps the process's name: harmless.
    ::pthread_setname_np(::pthread_self(), name);
}

} // namespace linkledger::logging
