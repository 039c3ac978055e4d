// xpile prelude: see thrust/__xpile_thrust.h.
#pragma once

#include <thrust/__xpile_thrust.h>
