/*-------------------------------------------------------------------------
 *
 * options.h
 *	  Relation options (SPEC §2), parsed and validated in one place
 *	  (options.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RELORM_OPTIONS_H
#define RELORM_OPTIONS_H

#include "relorm.h"

/* What the options of a relation are checked against. */
typedef struct OptionsTarget
{
	RelationKind kind;
	Oid			junction;		/* many_to_many only */
	const ColumnSet *junction_source_cols;
	const ColumnSet *junction_target_cols;
} OptionsTarget;

extern void options_parse(Jsonb *jb, const OptionsTarget *target, bool validate,
						  RelationOptions *options);
extern Jsonb *options_inverse_of(const char *name);
extern char *options_inverse(Jsonb *jb);

#endif							/* RELORM_OPTIONS_H */
