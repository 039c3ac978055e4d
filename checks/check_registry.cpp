// Placeholder, replaced by the check framework.
#include "checks/check.h"
