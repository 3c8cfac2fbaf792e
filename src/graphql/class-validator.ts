/**
 * class-validator's values as this app uses them (decorators, registerDecorator, its metadata), each
 * from its own file: the package's index loads every decorator it has, with validator.js and
 * libphonenumber-js, about 320 modules and a third of a second in every process and test file that
 * starts the server (docs/architecture.md "Start-up cost"). Its types come from 'class-validator'
 * itself (`import type`); its values from here only (eslint.config.mjs). The paths are typed by
 * tsconfig.json `paths`.
 */
export { getMetadataStorage } from 'class-validator/cjs/metadata/MetadataStorage';
export { registerDecorator } from 'class-validator/cjs/register-decorator';
export { ValidationTypes } from 'class-validator/cjs/validation/ValidationTypes';
export { IsDefined } from 'class-validator/cjs/decorator/common/IsDefined';
export { IsIn } from 'class-validator/cjs/decorator/common/IsIn';
export { ValidateIf } from 'class-validator/cjs/decorator/common/ValidateIf';
export { ValidateNested } from 'class-validator/cjs/decorator/common/ValidateNested';
export { IsPositive } from 'class-validator/cjs/decorator/number/IsPositive';
export { Max } from 'class-validator/cjs/decorator/number/Max';
export { Min } from 'class-validator/cjs/decorator/number/Min';
