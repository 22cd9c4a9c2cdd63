// The one way to include ldns: its common.h redefines bool/true/false unless stdbool came first.
#pragma once

#include <stdbool.h>

#include <ldns/ldns.h>
