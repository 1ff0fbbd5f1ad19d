/*-------------------------------------------------------------------------
 *
 * relorm.c
 *	  Module initialisation and the bracket around every relorm call.
 *
 * Every SQL-callable function runs between relorm_enter() and
 * relorm_leave().  The depth they keep tells the metadata cache when no
 * relorm call is running, which is the only time it may free metadata and
 * prepared statements that were invalidated (a caller further up the stack
 * may still be using them otherwise; see catalog.c).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"

#include "relorm.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

/* how many relorm calls are on the stack in this backend */
static int	call_depth = 0;

/*
 * _PG_init sets up the metadata cache and its invalidation callbacks.
 */
void
_PG_init(void)
{
	relorm_metadata_init();
}

/*
 * relorm_enter marks the start of a relorm call.  The outermost call frees
 * what earlier invalidations left behind.
 */
void
relorm_enter(void)
{
	if (call_depth == 0)
	{
		relorm_metadata_reap();
		relorm_query_plans_reap();
	}
	call_depth++;
}

/*
 * relorm_leave marks the end of a relorm call, normal or by error.
 */
void
relorm_leave(void)
{
	if (call_depth > 0)
		call_depth--;
}

/*
 * relorm_call runs the implementation of a SQL-callable function between
 * relorm_enter and relorm_leave, also when it fails.
 */
Datum
relorm_call(FunctionCallInfo fcinfo, RelormImpl impl)
{
	volatile Datum result = (Datum) 0;

	relorm_enter();
	PG_TRY();
	{
		result = impl(fcinfo);
	}
	PG_FINALLY();
	{
		relorm_leave();
	}
	PG_END_TRY();
	return result;
}

/*
 * relorm_is_outermost_call is true while no relorm call is running.
 */
bool
relorm_is_outermost_call(void)
{
	return call_depth == 0;
}
