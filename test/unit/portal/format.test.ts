import { passedText } from '../../../portal/src/format';

const group = (passed: number, total: number, notApplicable = 0, inconclusive = 0) => ({
  controlsPassed: passed,
  controlsTotal: total,
  controlsNotApplicable: notApplicable,
  controlsInconclusive: inconclusive,
});

describe('a TSC group on the dashboard', () => {
  it('shows passed of total alone when every control passed or failed', () => {
    expect(passedText(group(2, 3))).toBe('2/3');
  });

  it('says a control that is not applicable, so 0/1 does not read as a failure', () => {
    expect(passedText(group(0, 1, 1))).toBe('0/1, 1 not applicable');
  });

  it('names not applicable and inconclusive controls together', () => {
    expect(passedText(group(1, 4, 1, 2))).toBe('1/4, 1 not applicable, 2 inconclusive');
  });
});
