/** The parts of ECharts the app uses, registered once (keeps the bundle small). */
import * as echarts from 'echarts/core';
import { BarChart, type BarSeriesOption } from 'echarts/charts';
import {
  BrushComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  TooltipComponent,
  type BrushComponentOption,
  type GridComponentOption,
  type LegendComponentOption,
  type MarkAreaComponentOption,
  type TooltipComponentOption,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

// Legend: the category mix chart; MarkArea: anomaly windows over the histogram.
echarts.use([BarChart, GridComponent, TooltipComponent, BrushComponent, LegendComponent, MarkAreaComponent, CanvasRenderer]);

export type ChartOption = echarts.ComposeOption<
  | BarSeriesOption
  | GridComponentOption
  | TooltipComponentOption
  | BrushComponentOption
  | LegendComponentOption
  | MarkAreaComponentOption
>;
export type ChartInstance = echarts.ECharts;
export { echarts };
