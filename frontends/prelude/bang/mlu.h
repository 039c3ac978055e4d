/*
 * xpile BANG C prelude -- <mlu.h>.  In the SDK bang.h includes mlu.h; here
 * bang.h holds every declaration and mlu.h simply includes it.
 */
#ifndef XPILE_MLU_H
#define XPILE_MLU_H
#include "bang.h"
#endif /* XPILE_MLU_H */
