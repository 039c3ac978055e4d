// Placeholder, replaced by the check framework.
#pragma once
