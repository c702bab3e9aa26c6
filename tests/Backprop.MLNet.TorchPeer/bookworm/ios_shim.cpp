// std::ios_base_library_init(), which GCC 13 and later emit to construct the standard streams and which GCC 12's
// libstdc++ (Debian 12's) lacks; TorchSharp 0.107's native library needs it (see prepare.sh). Benchmark use only.
#include <ios>

namespace std
{
void ios_base_library_init()
{
    static ios_base::Init init;
}
}
