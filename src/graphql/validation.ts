/// <reference lib="es2024.string" />
/**
 * The one validation path for arguments. Every field takes its arguments as one @ArgsType class;
 * the rules are class-validator decorators (built-ins and ./validators.ts) on that class and on its
 * @InputType classes (nested ones through @ValidateNested). `validateArgs`, the schema's only
 * validateFn, checks them before the resolver runs (a field with plain arguments calls it itself,
 * src/graphql/direct-resolvers.ts). Checks that can only run later (an id the
 * database does not know, a cursor from another order, a bucket count computed in SQL) throw
 * through `invalidArgs` too, so that every argument error has one shape:
 *
 *   extensions: { code: 'BAD_USER_INPUT', argumentName: 'input', fields: ['input.topic', ...] }
 *   message:    'Invalid input: input.topic: must be at most 500 characters after trimming; ...'
 *
 * Besides its class's rules, every given value must be storable (`storableProblem`): that rule holds
 * for every string, number and key of every argument, inside JSON too, so no field can forget it.
 *
 * validateArgs does not go through class-validator's validate(), which builds a ValidationError
 * tree and a promise per object: it compiles, once per class, a synchronous checker from
 * class-validator's metadata that calls each constraint's validate function directly, so that the
 * 5,000 items of recordInteractions cost about what a hand-written loop over them costs.
 */
import { getMetadataStorage, ValidationTypes } from './class-validator';
import type { ValidationArguments } from 'class-validator';
import { GraphQLResolveInfo, Kind } from 'graphql';
import { getMetadataStorage as graphqlMetadata, ValidatorFn } from 'type-graphql';
import { BadUserInputError } from '../errors';

export interface Problem {
  /** Full path from the argument down: `first`, `input.topic`, `input[3].userId`. */
  path: string;
  /** What is wrong, naming the limit or the allowed values: `must be between 0 and 100, got 101`. */
  problem: string;
}

/** How many problems one error lists (and `fields` names). */
export const REPORTED_PROBLEMS = 10;

/**
 * The rules of an @InputType class checked on one object outside GraphQL (POST /ingest/interactions,
 * src/http/ingest.ts): the same compiled checker validateArgs runs, so both paths share one rule set.
 */
export function inputProblems(object: Record<string, unknown>, type: Function, path: string): Problem[] {
  const out: Problem[] = [];
  checkObject(object, rulesOf(type), path, -1, out);
  return out;
}

/** The BAD_USER_INPUT error for one or more problems; `note` ends the message (what was not listed). */
export function invalidArgs(problems: Problem[], note = ''): BadUserInputError {
  const shown = problems.slice(0, REPORTED_PROBLEMS);
  const more = problems.length > shown.length ? `; and ${problems.length - shown.length} more` : '';
  return new BadUserInputError(`Invalid input: ${shown.map((p) => `${p.path}: ${p.problem}`).join('; ')}${more}${note}`, {
    argumentName: /^[^.[]+/.exec(shown[0].path)![0],
    fields: shown.map((p) => p.path),
  });
}

/** A text value as a message quotes it: long ones cut. */
export const quote = (s: string, n = 40): string => JSON.stringify(s.length > n ? `${s.slice(0, n)}...` : s);

const GIVEN = Symbol('given arguments');

/**
 * The names of the arguments the request itself gave (a literal, or a variable it provided), as
 * opposed to those GraphQL filled from their schema default: `first` defaults to 20, yet `first`
 * given together with `last` is refused (src/graphql/args.ts). Empty when the object did not come
 * through validateArgs (a service called from a script).
 */
export function givenArguments(args: object): ReadonlySet<string> {
  return (args as { [GIVEN]?: ReadonlySet<string> })[GIVEN] ?? new Set();
}

function markGiven(value: object, info: GraphQLResolveInfo | undefined): void {
  const node = info?.fieldNodes[0];
  if (!node) return;
  const vars = info.variableValues;
  const given = new Set<string>();
  for (const a of node.arguments ?? []) {
    if (a.value.kind !== Kind.VARIABLE || Object.hasOwn(vars, a.value.name.value)) given.add(a.name.value);
  }
  Object.defineProperty(value, GIVEN, { value: given });
}

/** type-graphql's validateFn: `value` is the field's @ArgsType instance, `type` its class. */
export const validateArgs: ValidatorFn = (value, type, resolverData) => {
  if (value === null || typeof value !== 'object' || typeof type !== 'function') return;
  markGiven(value, resolverData?.info);
  const problems: Problem[] = [];
  checkObject(value as Record<string, unknown>, rulesOf(type), '', -1, problems);
  if (problems.length) throw invalidArgs(problems);
};

interface Constraint {
  each: boolean;
  validate: (value: unknown, args: ValidationArguments) => boolean;
  message: (args: ValidationArguments) => string;
  /** Reused for every call (validation is synchronous): no allocation per checked value. */
  args: ValidationArguments;
}

interface PropertyRules {
  property: string;
  /** IsDefined: checked even for null (an argument whose default null must not replace). */
  defined: Constraint[];
  /** IsOptional / ValidateIf conditions: all must hold for the rules to apply. */
  conditions: ((object: object, value: unknown) => boolean)[];
  constraints: Constraint[];
  /** ValidateNested: the rules of the property's input class (its GraphQL type), for its object or each item. */
  nested: ClassRules | null;
}

interface ClassRules {
  rules: PropertyRules[];
  /** The class's other GraphQL fields: a value given to one is checked for storability alone. */
  unruled: string[];
}

const compiled = new Map<Function, ClassRules>();

/**
 * Null and absent values are not checked (GraphQL already refuses null for a required argument or
 * field): a rule describes a value that was given. An object's path is `base`, or `base[index]` for
 * a list item; paths are built only for a problem or a nested object, never per checked value.
 */
function checkObject(object: Record<string, unknown>, forClass: ClassRules, base: string, index: number, out: Problem[]): void {
  for (const rule of forClass.rules) {
    const value = object[rule.property];
    for (const c of rule.defined) check(c, object, value, base, index, rule.property, -1, out);
    if (value === null || value === undefined) continue;
    // A value that cannot be stored gets that one problem, not a second one from its rules.
    if (!rule.nested && !storable(value, base, index, rule.property, out)) continue;
    if (rule.conditions.length && !rule.conditions.every((holds) => holds(object, value))) continue;
    for (const c of rule.constraints) {
      // { each: true }: every given item (a null item of a list that allows it is not checked, as a null value is not).
      if (c.each && Array.isArray(value))
        value.forEach((item, i) => item != null && check(c, object, item, base, index, rule.property, i, out));
      else check(c, object, value, base, index, rule.property, -1, out);
    }
    if (rule.nested) checkNested(value, rule.nested, pathOf(base, index, rule.property), out);
  }
  for (const property of forClass.unruled) {
    const value = object[property];
    if (value !== null && value !== undefined) storable(value, base, index, property, out);
  }
}

/** Whether the value may be stored; if not, its problem is added with the path down to the offending part. */
function storable(value: unknown, base: string, index: number, property: string, out: Problem[]): boolean {
  const p = storableProblem(value, 0);
  if (p) out.push({ path: pathOf(base, index, property) + p.path, problem: p.problem });
  return !p;
}

/** How deep JSON (and any other value) may nest: bounds this walk and PostgreSQL's jsonb recursion. */
const MAX_VALUE_DEPTH = 100;

const TOO_DEEP: Problem = { path: '', problem: `must not nest deeper than ${MAX_VALUE_DEPTH} levels` };
const NOT_FINITE: Problem = { path: '', problem: 'must be a finite number' };
const NUL: Problem = { path: '', problem: 'must not contain the NUL character (U+0000)' };
const LONE_SURROGATE: Problem = { path: '', problem: 'must be well-formed UTF-16 (it holds a lone surrogate, half of a pair)' };

/**
 * What any value given to any argument must be, whatever its field: text that PostgreSQL can store
 * and that means one thing (no NUL, which text cannot hold; no lone surrogate, which jsonb refuses
 * and text turns into U+FFFD, so that "a\uD800" and "a\uDBFF" would be one handle), finite numbers
 * (a Float literal 1e999 reads as Infinity), and at most MAX_VALUE_DEPTH levels of lists and
 * objects. The first problem, with its path below the value (`.notes[2]`, or '' for the value itself).
 */
function storableProblem(value: unknown, depth: number): Problem | null {
  if (typeof value === 'string') return value.isWellFormed() ? (value.includes('\u0000') ? NUL : null) : LONE_SURROGATE;
  if (typeof value === 'number') return Number.isFinite(value) ? null : NOT_FINITE;
  if (value === null || typeof value !== 'object' || value instanceof Date) return null;
  if (depth >= MAX_VALUE_DEPTH) return TOO_DEEP;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = storableProblem(value[i], depth + 1);
      if (p) return p === TOO_DEEP ? p : { path: `[${i}]${p.path}`, problem: p.problem };
    }
    return null;
  }
  for (const key in value) {
    const k = storableProblem(key, depth);
    if (k) return { path: '', problem: `has a key that ${k.problem}: ${quote(key)}` };
    const p = storableProblem((value as Record<string, unknown>)[key], depth + 1);
    if (p) return p === TOO_DEEP ? p : { path: `${keyPath(key)}${p.path}`, problem: p.problem };
  }
  return null;
}

/** A JSON key as a path step: `.name`, or `["odd key"]`. */
const keyPath = (key: string): string => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`);

function pathOf(base: string, index: number, property: string, item = -1): string {
  const object = index < 0 ? base : `${base}[${index}]`;
  const path = object ? `${object}.${property}` : property;
  return item < 0 ? path : `${path}[${item}]`;
}

/** `item` >= 0: the value is that item of a list the constraint checks item by item (`{ each: true }`). */
function check(
  c: Constraint,
  object: object,
  value: unknown,
  base: string,
  index: number,
  property: string,
  item: number,
  out: Problem[],
): void {
  const args = c.args;
  args.object = object;
  args.value = value;
  if (!c.validate(value, args)) out.push({ path: pathOf(base, index, property, item), problem: c.message(args) });
}

/** Compiled once per class; entered before its properties are, so an input type nested in itself is compiled once. */
function rulesOf(type: Function): ClassRules {
  let rules = compiled.get(type);
  if (!rules) {
    compiled.set(type, (rules = { rules: [], unruled: [] }));
    try {
      compile(type, rules);
    } catch (err) {
      compiled.delete(type); // never an empty rule set in place of one that failed to compile
      throw err;
    }
  }
  return rules;
}

/**
 * An input object, or each item of a list of them, checked with the rules of the class its field
 * declares: the same for an instance of that class (type-graphql's conversion) and for the object
 * as GraphQL coerced it (a field resolved with plain arguments, src/graphql/direct-resolvers.ts).
 * Items of a list get their index in the path.
 */
function checkNested(value: unknown, rules: ClassRules, path: string, out: Problem[]): void {
  if (!Array.isArray(value)) {
    if (typeof value === 'object') checkObject(value as Record<string, unknown>, rules, path, -1, out);
    return;
  }
  for (let i = 0; i < value.length; i++) {
    const item = value[i];
    if (item !== null && typeof item === 'object') checkObject(item, rules, path, i, out);
  }
}

function compile(type: Function, into: ClassRules): void {
  const storage = getMetadataStorage();
  const byProperty = storage.groupByPropertyName(storage.getTargetValidationMetadatas(type, '', false, false));
  const rules = Object.entries(byProperty).map(([property, metadatas]) => {
    const rules: PropertyRules = { property, defined: [], conditions: [], constraints: [], nested: null };
    for (const m of metadatas) {
      if (m.type === ValidationTypes.NESTED_VALIDATION) rules.nested = rulesOf(inputClassOf(type, property));
      else if (m.type === ValidationTypes.CONDITIONAL_VALIDATION) rules.conditions.push(m.constraints[0]);
      else if (m.type === ValidationTypes.CUSTOM_VALIDATION || m.type === ValidationTypes.IS_DEFINED) {
        for (const cm of storage.getTargetValidatorConstraints(m.constraintCls)) {
          if (cm.async) throw new Error(`${type.name}.${property}: asynchronous validators are not supported (validation is synchronous)`);
          const instance = cm.instance;
          (m.type === ValidationTypes.IS_DEFINED ? rules.defined : rules.constraints).push({
            each: m.each,
            validate: instance.validate.bind(instance) as Constraint['validate'],
            message: (args) => problemText(m.message, instance.defaultMessage?.bind(instance), args),
            args: { value: undefined, constraints: m.constraints ?? [], targetName: type.name, object: {}, property },
          });
        }
      } else {
        throw new Error(`${type.name}.${property}: validation type "${m.type}" is not supported by validateArgs`);
      }
    }
    return rules;
  });
  const ruled = new Set(rules.map((r) => r.property));
  into.rules = rules;
  into.unruled = fieldNames(type).filter((name) => !ruled.has(name));
}

/** The GraphQL fields of an input or args class, its parents' included (ConnectionArgs' first, after). */
function fieldsOf(type: Function) {
  const fields = graphqlMetadata().fields;
  const own = [];
  for (let t = type; t && t !== Function.prototype; t = Object.getPrototypeOf(t)) {
    for (const f of fields) if (f.target === t) own.push(f);
  }
  return own;
}

function fieldNames(type: Function): string[] {
  return [...new Set(fieldsOf(type).map((f) => f.name))];
}

/** The @InputType class of a ValidateNested property (its GraphQL type, the item type of a list). */
function inputClassOf(type: Function, property: string): Function {
  const declared = fieldsOf(type)
    .find((f) => f.name === property)
    ?.getType();
  if (typeof declared !== 'function' || !graphqlMetadata().inputTypes.some((t) => t.target === declared))
    throw new Error(`${type.name}.${property}: ValidateNested needs a GraphQL field of an @InputType class`);
  return declared;
}

type Message = string | ((args: ValidationArguments) => string) | undefined;

/**
 * The constraint's message with class-validator's tokens filled in. Built-in messages start with
 * "$property " ("score must not be greater than 1"); the path already names the property, so the
 * problem starts after it ("must not be greater than 1").
 */
function problemText(message: Message, fallback: Message, args: ValidationArguments): string {
  const chosen = message || fallback || 'is invalid';
  let text = typeof chosen === 'function' ? chosen(args) : chosen;
  args.constraints.forEach((c, i) => (text = text.split(`$constraint${i + 1}`).join(String(c))));
  if (['string', 'number', 'boolean'].includes(typeof args.value)) text = text.split('$value').join(String(args.value));
  text = text.split('$property').join(args.property);
  return text.startsWith(`${args.property} `) ? text.slice(args.property.length + 1) : text;
}

/** A referenced row that does not exist: "input.insightId: no insight has id "42"". */
export const unknownRef = (path: string, what: string, id: string | number): BadUserInputError =>
  invalidArgs([{ path, problem: `no ${what} has id ${quote(String(id))}` }]);
