/** The parts of ECharts the app uses, registered once (keeps the bundle small). */
import * as echarts from 'echarts/core';
import { BarChart, type BarSeriesOption } from 'echarts/charts';
import {
  BrushComponent,
  GridComponent,
  TooltipComponent,
  type BrushComponentOption,
  type GridComponentOption,
  type TooltipComponentOption,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, GridComponent, TooltipComponent, BrushComponent, CanvasRenderer]);

export type ChartOption = echarts.ComposeOption<
  BarSeriesOption | GridComponentOption | TooltipComponentOption | BrushComponentOption
>;
export type ChartInstance = echarts.ECharts;
export { echarts };
