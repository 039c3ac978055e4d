/*
 * xpile BANG C prelude -- synchronisation (§6).
 */
#ifndef XPILE_BANG_SYNC_H
#define XPILE_BANG_SYNC_H

#include "__xpile_bang_config.h"

/* barriers across cores */
__XPILE_BUILTIN void __sync_cluster(void); /* 4 IPU + 1 MPU of a cluster */
__XPILE_BUILTIN void __sync_all(void);     /* all cores of the UnionN task */
__XPILE_BUILTIN void __sync_all_ipu(void);
__XPILE_BUILTIN void __sync_all_mpu(void);
__XPILE_BUILTIN void __sync_all_ipu_within_cluster(void); /* newer (S3) */

/* intra-core pipeline waits */
__XPILE_BUILTIN void __sync_compute(void);
__XPILE_BUILTIN void __sync_copy_dram_to_nram(void);
__XPILE_BUILTIN void __sync_copy_nram_to_dram(void);
__XPILE_BUILTIN void __sync_copy_dram_to_wram(void);
__XPILE_BUILTIN void __sync_copy_wram_to_dram(void);
__XPILE_BUILTIN void __sync_copy_dram_to_sram(void);
__XPILE_BUILTIN void __sync_copy_sram_to_dram(void);
__XPILE_BUILTIN void __sync_copy_sram_to_nram(void);
__XPILE_BUILTIN void __sync_copy_nram_to_sram(void);
__XPILE_BUILTIN void __sync_copy_sram_to_wram(void);
__XPILE_BUILTIN void __sync_copy_wram_to_sram(void);
__XPILE_BUILTIN void __sync_copy_nram_to_wram(void);
__XPILE_BUILTIN void __sync_copy_wram_to_nram(void);
__XPILE_BUILTIN void __sync_copy_nram_to_nram(void);
__XPILE_BUILTIN void __sync_copy_dram_to_ldram(void);
__XPILE_BUILTIN void __sync_copy_ldram_to_dram(void);
__XPILE_BUILTIN void __sync_copy_ldram_to_nram(void);
__XPILE_BUILTIN void __sync_copy_nram_to_ldram(void);

/* newer pipe-level syncs (S1 pipeline templates, S3) */
__XPILE_BUILTIN void __sync(void);
__XPILE_BUILTIN void __sync_io(void);
__XPILE_BUILTIN void __sync_move(void);
__XPILE_BUILTIN void __sync_io_move_compute(void);
/* 6-flag form: which pipes wait for which [UNCERTAIN flag meaning] */
__XPILE_BUILTIN void __sync_io_move_compute(bool flag0, bool flag1, bool flag2,
                                            bool flag3, bool flag4,
                                            bool flag5);

/* P/V semaphores across DMA [UNCERTAIN semantics] */
__XPILE_BUILTIN void __bang_lock(int lock_id, int value);
__XPILE_BUILTIN void __bang_unlock(int lock_id, int value);

#endif /* XPILE_BANG_SYNC_H */
