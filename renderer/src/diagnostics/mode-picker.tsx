/** A segmented radio group (the settings theme picker's look) with a hint under it. */
export function ModePicker<T extends string>({
  name,
  label,
  value,
  options,
  hint,
  onChange,
  disabled,
}: {
  name: string;
  label: string;
  value: T;
  options: { value: T; label: string }[];
  hint?: string;
  onChange: (value: T) => void;
  disabled?: boolean;
}) {
  return (
    <fieldset className="field segmented-field mode-picker" disabled={disabled}>
      <legend className="field-label">{label}</legend>
      <div className="segmented">
        {options.map((o) => (
          <label key={o.value} className="segment">
            <input
              type="radio"
              name={name}
              value={o.value}
              checked={value === o.value}
              onChange={() => onChange(o.value)}
            />
            <span>{o.label}</span>
          </label>
        ))}
      </div>
      {hint && <p className="field-hint">{hint}</p>}
    </fieldset>
  );
}
