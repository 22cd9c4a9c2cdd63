// The one Catch2 main (Debian ships Catch2 v2, which has no separate main library).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
