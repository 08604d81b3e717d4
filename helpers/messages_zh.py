"""辅助包图中文字的中文版：键与 `helpers/messages_en.py` 相同，由
`helpers.language.message(key, **values)` 读取。"""

MESSAGES = {
    # 多幅图共用
    "sep": "；",
    "list_sep": "、",
    "period": "。",
    "lowest": "最低",
    "highest": "最高",
    "line_from_to": "{label}从 {start} 到 {end}",
    "logarithmic": "对数",
    "linear": "线性",
    "line_chart_alt": "{title}。折线图，纵轴为{scale}刻度：{ylabel}随{xlabel}的变化，{lines}{reference}。",
    "guide_reference": "；点线标出{guide}",
    "number_of_layers": "层数",
    "without_shortcuts": "无快捷连接",
    "with_shortcuts": "有快捷连接",
    # plot_activations
    "activations_title": "sigmoid 的斜率从不超过 0.25；其他激活函数的斜率可达 1 或更大",
    "input_z": "输入 z",
    "activation_panel": "激活函数",
    "derivative_panel": "它的导数（每层的因子）",
    "activations_alt": ("{title}。两幅子图，z 从 {low} 到 {high}：左图是激活函数 {names}；右图是它们的斜率，"
                        "点线位于 0.25（最大斜率：{slopes}）。"),
    # plot_gradients
    "gradients_title": "第一层梯度占最后一层梯度的比例：{shares}",
    "gradients_x": "层（左侧靠近输入端）",
    "gradients_y": "权重的平均 |梯度|",
    # plot_depth_sweep
    "sweep_title": "深度为 {depth} 时，第一层/最后一层：{ratios}",
    "sweep_y": "第一层 / 最后一层的平均 |梯度|",
    # plot_spirals
    "spirals_title": "两条交织的螺旋：学习任务",
    "spirals_class": "类别 {label}",
    "spirals_alt": ("{title}。平面上 {points} 个点的散点图，横轴 x1、纵轴 x2：类别 0（{zeros} 个蓝色圆点）和类别 1"
                    "（{ones} 个橙色方块）沿两条螺旋臂相互缠绕。"),
    # plot_loss_curves
    "loss_title": "训练损失",
    "loss_x": "训练步",
    "loss_y": "损失（二元交叉熵）",
    "loss_guide": "ln 2 = 0.69：随机猜测的损失",
    # plot_sweep_heatmap
    "heatmap_title": "最后一层的梯度有多少能到达第一层（灰色：没有比值）",
    "heatmap_colorbar": "log10(第一层 / 最后一层)",
    "heatmap_panel": "{kind}（{grey} 个灰色格子）",
    "heatmap_and": "，",
    "heatmap_alt": ("{title}。第一层与最后一层梯度之比的 log10 热力图，横向为深度 {first} 到 {last}，纵向为激活函数 "
                    "{activations}，使用同一色标，从 10^-30（暗）到 1（亮）：{panels}；灰色格子没有比值。"),
    # helpers.diagnostics
    "layer_n": "第 {n} 层",
    "read_out": "读出层",
    "layer_axis": "层（1：靠近输入端）",
    "no_gradient": "没有梯度（或恰好为 0）",
    "none": "{label} 无",
    "spread_of_activations": "激活值",
    "spread_of_gradients": "到达激活值的梯度",
    "std_of_activations": "激活值的标准差",
    "std_of_gradient": "梯度的标准差",
    "spread_title": "各层{what}的离散程度",
    "spread_alt": ("{title}。柱状图，每层一根柱，从{first}（靠近输入端）到{last}，{scale}坐标轴：{what}的标准差：{values}。"),
    "ratio_legend": "‖梯度‖ / ‖权重‖",
    "weight_axis": "权重矩阵（第 1 层：靠近输入端）",
    "ratio_axis": "梯度范数 / 权重范数",
    "weights_title": "各权重矩阵所受的梯度推动（相对于自身大小）",
    "no_weight_gets_gradient": "没有任何权重矩阵得到梯度",
    "weights_range": "最小的比值是 {low}（{low_label}），最大的是 {high}（{high_label}）",
    "weights_missing": "；{missing} 个没有梯度，标在底部",
    "weights_alt": ("{title}。折线图，纵轴为对数刻度：每个权重矩阵的梯度范数与权重范数之比，从{first}到{last}：{summary}。"),
    "gradient_norm": "梯度范数",
    "heat_title": "训练过程中每一层的梯度范数",
    "heat_label": "{label}：",
    "heat_range": "{label}从 {low} 到 {high}",
    "heat_dark": "，第 1 到 {half} 行始终很暗（至多 {most}）",
    "heat_stripe": "，第 {peak} 步有一条贯穿每一行的亮带（那里至少 {least}）",
    "heat_one": "热力图",
    "heat_many": "{n} 幅上下排列的热力图",
    "heat_alt": ("{title}。{kind}，显示每个权重矩阵的梯度范数，纵向从第 1 行（靠近输入端）到第 {top} 行，横向为训练步 0 到 "
                 "{last_step}，使用同一个对数色标（暗：小）：{panels}。"),
    # helpers.diagram
    "values_one": "{n} 个值",
    "values_many": "{n} 个值",
    "layers_one": "{n} 层",
    "layers_many": "{n} 层",
    "skip_paths_one": "{n} 条跳跃路径",
    "skip_paths_many": "{n} 条跳跃路径",
    "diagram_plain": "无快捷连接：x = layer(x)",
    "diagram_shortcut": "有快捷连接：x = x + layer(x)",
    "diagram_input": "输入 x（{values}）",
    "diagram_output": "输出（{values}）",
    "diagram_no_shortcut": "无快捷连接：\n{n_in} → {n_out}\n改变了宽度",
    "diagram_around": "快捷连接：\nx 绕过\n这一层",
    "diagram_no_layer_keeps": "没有一层保持宽度不变，所以没有一层得到快捷连接",
    "diagram_carries": "快捷连接把每个 {kept} 层的输入绕过该层送上去",
    "diagram_gets_none_one": "；{changed} 层没有快捷连接",
    "diagram_gets_none_many": "；{changed} 这几层没有快捷连接",
    "diagram_alt": ("{title}。同一个 {layers} 堆叠（Linear 后接激活函数）的两幅图，输入在底部：左图中每层把输出交给下一层；"
                    "右图中 {skips} 把一层的输入绕过该层送到加号节点，在那里与该层的输出相加。"),
    # helpers.going_further
    "slope_axis": "d 输出 / d x",
    "input_x": "输入 x",
    # helpers.explorer 及其图
    "both": "两者",
    "units_one": "{n} 个单元",
    "units_many": "{n} 个单元",
    "act_gelu": "精确 GELU",
    "act_gelu_tanh": "tanh 近似的 GELU",
    "act_relu": "ReLU",
    "act_sigmoid": "sigmoid",
    "act_tanh": "tanh",
    "lines_plain": "一条线，对应无快捷连接的网络",
    "lines_shortcut": "一条线，对应有快捷连接的网络",
    "lines_both": "每个网络一条线",
    "share_overflow": "无法给出数字（梯度溢出为 inf 或 nan）",
    "share_no_gradient": "无法给出数字（最后一层完全没有得到梯度）",
    "share_zero": "0（一点也没有到达）",
    "share_of": "{kind}为 {share}",
    "finding": "第一层得到的梯度占最后一层梯度的比例：{pieces}",
    "shape_none": "没有线（没有一层的梯度是大于 0 的有限数）",
    "where_only": "唯一的一层",
    "where_first": "第一层",
    "where_last": "最后一层",
    "where_layer": "第 {i} 层",
    "shape_one": "只有一个点，{where}为 {value}",
    "shape_span": "，从 {start} 到 {end}",
    "shape_flat": "保持在 {low} 到 {high} 之间{span}",
    "shape_falls": "从{top_where}的 {top} 降到{bottom_where}的 {bottom}",
    "shape_rises": "从{top_where}的 {top} 升到{bottom_where}的 {bottom}",
    "shape_lowest": "最低 {value}，在第 {i} 层",
    "shape_highest": "最高 {value}，在第 {i} 层",
    "control_depth": "层数",
    "control_width": "每层单元数",
    "control_activation": "激活函数",
    "control_shortcut": "网络",
    "control_seed": "随机种子",
    "control_input_scale": "输入尺度",
    "hover_depth": "depth：每个网络有多少个 Linear + 激活函数层",
    "hover_width": "width：每个隐藏层的单元数（最后一层只有一个）",
    "hover_activation": "activation：每个 Linear 层之后的函数",
    "hover_shortcut": "shortcut：测量哪些网络",
    "hover_seed": "seed：决定初始权重的随机种子（书中用 123）",
    "hover_input_scale": "input_scale：输入是这个数乘以 [1, ..., -1]",
    "exactly_zero": "恰好为 0",
    "inf_or_nan": "inf 或 nan",
    "exactly_zero_of": "恰好为 0，{label}",
    "overflow_of": "inf 或 nan（溢出），{label}",
    "count_of": "{kind} {n} 层",
    "alt_marks": "{mark} 标出梯度{what}的层：{counts}",
    "alt_shape": "{kind}{subject}{shape}",
    "alt_it": "它",
    "alt_the_gradient": "梯度",
    "alt_drawn": ("对数刻度上每一层的平均 |梯度|（第一层在左），网络为 {layers}、每层 {units}，使用 {activation}，随机种子 {seed}，"
                  "输入尺度 {scale}，{lines}：{shapes}"),
    "alt_text": "{readout}。{parts}。",
    # helpers.classroom：练习的检查、判定与提示，以及评分器
    "verdict_head": "{title}：{outcome}（{score} / {max_score} 分）",
    "all_passed": "全部通过",
    "not_yet": "尚未通过",
    "worth_one": "（{points} 分）",
    "worth_many": "（{points} 分）",
    "hint": "提示：{hint}",
    "not_yet_passed": "{parts} 项中有 {wrong} 项未通过（首个未通过项：{first}）；提示见单元格输出",
    "an_object": "一个 {kind} 对象",
    "tensor_of_shape": "一个形状为 {shape} 的张量",
    "whole_number_digits": "一个约 {digits} 位的整数",
    "still_none": "尚未作答：它仍是 None",
    "still_none_named": "尚未作答：{name} 仍是 None，请填入你的答案",
    "give_a_number": "请给出一个数，而不是 {value}",
    "give_one_number": "请给出一个数，而不是 {value}（把它归约为一个数，例如用 .max() 或 .item()）",
    "give_a_real_number": "请给出一个实数，而不是复数 {value}",
    "too_big_for_a_float": "请给出 float 能表示的数：你的数约为 {size}，超出了 float 的最大值（约 1.8e308）",
    "give_a_number_not_string": "请给出一个数，而不是字符串 {value}",
    "leave_out_the_quotes": "请给出一个数，而不是字符串 {value}（去掉引号）",
    "give_a_whole_number": "层数必须是整数，不能是 {value}",
    "far_too_many": "{value} 远超这里任何层数或宽度（最多 {largest}）",
    "name_still_none": "尚未作答：请把它设为 {names} 之一",
    "name_still_none_named": "尚未作答：请把 {name} 设为 {names} 之一",
    "give_a_name": "请给出一个名称（{names} 之一），而不是 {value}",
    "not_one_of": "{value} 不是 {names} 之一",
    "give_a_list_of_sizes": "请给出一个由各层大小组成的列表，而不是 {value}",
    "every_size_whole": "每层宽度都必须是整数；{value} 不是",
    "not_answered_yet": "尚未作答：把 `raise NotImplementedError()` 换成你的代码{rest}",
    "your_answer": "你的答案",
    "your_code_raised": "你的代码抛出了 {error}",
    "borrowed": "{what} 用了辅助包自带的 {names}：本练习要求你自己写，所以不得分",
    "at_line": "（第 {line} 行：`{code}`）",
    "characters_in_all": "……（共 {n} 个字符）",
    "more_printed": "\n……（你的代码还打印了 {n} 个字符，未显示）\n",
    "took_too_long": "你的代码没有在 {seconds} 秒内结束（死循环？）",
    "called_exit": "你的代码调用了 sys.exit({code})",
    # 练习 1
    "title_forward": "带快捷连接的 forward 方法",
    "case_book_shortcut": "书中的网络，use_shortcut=True",
    "case_width_change": "中间宽度有变化的网络 [2, 2, 3, 3, 1]，use_shortcut=True",
    "case_batch": "一批 4 个样本，[4, 4, 4, 2]，use_shortcut=True",
    "case_book_plain": "书中的网络，use_shortcut=False",
    "not_a_class": "ShortcutNetwork 是 {value}，不是一个类：请运行定义它的单元格",
    "shape_change_raises": ("快捷连接加在了形状发生变化的地方，因此报错：只在 x.shape == layer_output.shape 时才加上输入。"
                            "{error}"),
    "return_a_tensor": "forward 必须返回一个张量，它返回的是 {value}",
    "broadcast_shape": ("输出的形状是 {shape}，应为 {expected}：快捷连接加在了形状发生变化的地方（广播掩盖了这一点）；"
                        "只在 x.shape == layer_output.shape 时才加上输入"),
    "not_floating": "输出是 {dtype} 类型的张量：请保留各层的浮点数值",
    "counts_once_shortcuts": "等你的 forward 加上快捷连接后，这一项才计分：起始代码中的循环还没有快捷连接",
    "no_shortcut_added": ("没有加上快捷连接：use_shortcut=True 时，只要形状相同，就把该层的输入加到它的输出上"
                          "（x = x + layer_output）"),
    "shortcut_when_off": "use_shortcut=False 时，网络不能加任何快捷连接",
    "output_differs": "输出与预期不同：每层的输入 x 必须加到该层的输出上，再作为下一层的输入",
    # 练习 2
    "title_gradient_means": "每个权重的平均绝对梯度",
    "case_book": "书中的网络",
    "case_with_shortcuts": "带快捷连接的网络 [2, 4, 4, 1]",
    "part_entries": "每个权重矩阵一项，按层的顺序",
    "part_values": "每个网络上的数值都对",
    "part_second_call": "第二次调用给出相同的数",
    "not_a_function": "my_gradient_means 是 {value}，不是一个函数：请运行定义它的单元格",
    "loss_against_ones": "以全 1 为目标的平方误差",
    "reduction_signed_mean": "不取绝对值的平均（正负梯度相互抵消）",
    "reduction_sum": "求和而不是求平均",
    "reduction_max": "取最大值而不是平均",
    "reduction_weights": "权重本身的平均，而不是其梯度的平均",
    "loss_differs": ("损失不对：你的数与 {loss} 相符；本练习的损失是以全 0 为目标的均方误差，"
                     "nn.functional.mse_loss(output, torch.zeros_like(output))"),
    "wrong_reduction": "归约方式不对：这是{reduction}；请用 param.grad.abs().mean()",
    "values_differ": "数值不对：对每个权重矩阵，在损失反向传播一次之后取 param.grad.abs().mean()",
    "value_is_none": "{name} 的值是 None：在依赖它的损失上运行 backward() 之前，param.grad 一直是 None",
    "value_for": "{name} 的值：{problem}",
    "on_case": "（{case}）{problem}",
    "return_a_dict": "请返回一个字典 {{名称: 数值}}，而不是 {value}",
    "biases_included": "包含了偏置：只保留名称以 'weight' 结尾的参数（书中比较的是权重矩阵）",
    "expected_keys": "键应为 {expected}，得到的是 {got}",
    "every_weight_first": "先为每个权重矩阵给出一项",
    "second_call_failed": "第二次调用失败：{problem}",
    "second_call_keys": "第二次调用返回的键与第一次不同",
    "second_call_problem": "第二次调用：{problem}",
    "gradients_accumulated": ("梯度在多次调用之间累加了（第二次调用得到的是第一次的两倍）：在 backward 之前用 "
                              "model.zero_grad() 清零，或改用 torch.autograd.grad"),
    "second_call_numbers": "第二次调用给出的数与第一次不同",
    # 练习 3
    "title_activations": "哪个激活函数的梯度消失得最快",
    "part_fastest": "梯度消失最快的激活函数，及你为它测得的比值",
    "part_slope": "sigmoid 的最大斜率",
    "measure_each": ("用 helpers.depth_sweep([{depth}], activation=name, seed=SEED)[0]['ratio'] 逐个测量 {names}："
                     "比值最小的那个消失得最快"),
    "back_your_choice": "请用你为所选激活函数测得的比值（fastest_ratio）来支撑你的选择：{problem}",
    "ratio_of_other": "你的 fastest_ratio 是 {other} 给出的，而不是 {name}：请给出你所选激活函数的比值",
    "fastest_upside_down": "fastest_ratio 颠倒了：应是第一层的平均梯度除以最后一层的",
    "activation_other_seed": "这是 {name} 在种子 {default} 下的结果：本笔记本的网络用的是 SEED = {seed}",
    "ratio_not_of_name": "fastest_ratio 不是 {name} 在深度 {depth}、本笔记本的 SEED 下给出的值：{measure}",
    "not_the_one": "不是 {name}：{measure}",
    "slope_is_value": "0.5 是 sigmoid 在 z = 0 处的函数值，不是斜率；斜率是 sigma(z) (1 - sigma(z))",
    "slope_is_limit": "1 是 sigmoid 的上限（或恒等函数的斜率）；它自身的斜率是 sigma(z) (1 - sigma(z))",
    "slope_too_coarse": ("{number} 很接近，但太粗略：请把最大斜率精确到至少 3 位小数（笔记本打印到 4 位），"
                         "所用网格要细到包含 z = 0"),
    "slope_largest_at_zero": "sigma'(z) = sigma(z) (1 - sigma(z)) 在 z = 0 处最大；你给出的是 {number}",
    # 练习 4
    "title_depth": "sigmoid 网络的梯度在多深时消失",
    "part_smallest_depth": "最小深度",
    "part_shortcut_ratio": "带快捷连接的网络在该深度的比值",
    "depth_not_smallest": ("{given} 不是比值低于 THRESHOLD（{threshold}）的最小深度：按顺序扫描各深度，"
                           "helpers.depth_sweep(range(1, 40), activation='sigmoid', seed=SEED)，"
                           "取第一个 'ratio' 低于它的行的 'depth'"),
    "depth_other_seed": "{given} 是种子 {default} 下的最小深度，而本笔记本的网络用的是 SEED = {seed}：请用 seed=SEED 扫描",
    "plain_ratio_given": "这是无快捷连接网络的比值：请在同一深度用 use_shortcut=True 测量",
    "ratio_upside_down": "颠倒了：比值是第一层的平均梯度除以最后一层的",
    "ratio_other_seed": "这是种子 {default} 下的比值：本笔记本的网络用的是 SEED = {seed}",
    "ratio_too_coarse": "{number} 太粗略：请至少给出 2 位有效数字，与笔记本打印的一致",
    "ratio_measure_again": "请在同一深度（{at}）用 use_shortcut=True 和 seed=SEED 测量；你给出的是 {number}",
    # 练习 5
    "title_sizes": "快捷连接都能生效的网络",
    "part_six_sizes": "各层宽度（共 6 个，从 {width} 个输入到 1 个输出）",
    "part_four_shortcuts": "前四层每层都有快捷连接",
    "sizes_unchanged": "这是原样的 broken_sizes：请选择让隐藏层保持宽度不变的大小",
    "sizes_unchanged_short": "这是原样的 broken_sizes",
    "give_six_sizes": "请给出六个大小（五层），得到的是 {n} 个：{sizes}",
    "keep_width_and_output": "请保持输入宽度 {width} 和单个输出：{sizes}",
    "first_six_sizes": "先给出六个大小",
    "shortcut_needs_width": "快捷连接只能在保持宽度的层上生效；第 {layers} 层改变了宽度",
    "broken_sizes_changed": "broken_sizes 现在是 {value}，不是笔记本中那个有问题的网络：请重新运行定义它的单元格",
    # 评分器（helpers.classroom.grading、worker、policy、plugin）
    "title_exercise": "练习“{exercise}”",
    "part_answer_cell": "你的答案单元格",
    "part_cells_run": "你的答案单元格能运行",
    "part_finishes": "你的答案能运行结束",
    "part_readable": "评分器能读取你的答案",
    "part_runs": "你的答案能运行",
    "part_no_error": "你的答案单元格运行时不报错",
    "part_earlier_cell": "答案单元格“{cell}”（需在本单元格之前运行）",
    "cell_missing": "笔记本中缺少这个答案单元格",
    "cell_not_run": "这个答案单元格没有运行",
    "refused": "{why}",
    "worker_stopped_twice": "评分器的工作进程在运行你的答案单元格时两次停止；评分日志已提供给你的老师",
    "no_result": "这道练习没有返回结果",
    "cells_took_too_long": "你的答案单元格没有在 {seconds} 秒内结束（死循环？）",
    "too_much_data": "你的答案产生的数据超出了评分器读取的上限",
    "stopped_python": "你的答案单元格在被检查之前让 Python 自身停止了（os._exit、崩溃，或内存超出评分器的上限）",
    "unreadable": "评分器无法读取你的答案产生的结果",
    "could_not_judge": "评分器无法评判你的答案（{problem}）",
    "left_out_timeout": "它没有运行结束，所以评这道练习时略去了它",
    "left_out_stopped": "它让 Python 停止了，所以评这道练习时略去了它",
    "score_line": "得分：{score} / {points}",
    "total_line": "总分：{total} / {points}",
    "magic_not_run": "评分器不运行魔法命令 {magic}",
    "on_line": "{what}（第 {line} 行）",
    "the_magic": "魔法命令 {magic}",
    "unreadable_magic": "{magic}，其中的代码评分器无法读取",
    "global_dunder": "一个全局双下划线名称",
    "policy_refused": ("评分器不运行这个答案单元格：它用到了 {found}。答案要在单元格内计算，不读取文件、不加载其他代码，"
                       "也不深入 Python 的内部机制"),
    "kernel_died": ("内核在运行这个单元格时停止了（os._exit、崩溃或内存过多）；之后的单元格未执行，因此本反馈中没有它们的输出。"
                    "你的答案已另行评分，不受影响。"),
    "feedback_not_run": "无法运行本笔记本来生成反馈（{error}）；你的答案已另行评分。",
    "notebook_too_long": "笔记本运行超过了 {seconds} 秒，所以这个单元格及之后的单元格未执行，本反馈中没有它们的输出；你的答案已另行评分。",
    "output_cut_off": "这个单元格打印了超过 {limit} 个字符；其余部分未显示。",
}

# What the notebooks' own code passes to the figures (titles, axis labels, legend labels, alt
# text), keyed by the English text with each number as {}; the numbers go back in, in order
# (helpers.language.translated). The Chinese edition runs the English code cells, so this is how
# its figures come out in Chinese.
FIGURE_TEXTS = {
    # 01
    "Without shortcuts, the first layer gets only about a {}th of the last layer's gradient":
        "无快捷连接时，第一层得到的梯度只有最后一层的约 {} 分之一",
    ("The first layer gets only about a {}th of the last layer's gradient. Line chart, log scale: mean |gradient| per "
     "layer, {} at layers.{} (output side) down to {} at layers.{} and {} at layers.{}."):
        ("第一层得到的梯度只有最后一层的约 {0} 分之一。对数刻度折线图：每层的平均 |梯度|，从 layers.{2}（输出端）的 {1} "
         "降到 layers.{4} 的 {3} 和 layers.{6} 的 {5}。"),
    "without shortcuts": "无快捷连接",
    "Without shortcuts, the first layer's share of the gradient falls roughly geometrically with depth":
        "无快捷连接时，第一层所得梯度的占比随深度大致按几何级数下降",
    "gelu, no shortcuts": "gelu，无快捷连接",
    "tanh, no shortcuts": "tanh，无快捷连接",
    "sigmoid, no shortcuts": "sigmoid，无快捷连接",
    # 02
    "Without shortcuts the gradient fades toward the first layer; with them it stays above {}":
        "无快捷连接时，梯度越靠近第一层越弱；有快捷连接时，它始终高于 {}",
    ("Without shortcuts the gradient fades toward the first layer; with them it stays above {}. Log-scale line chart, "
     "first layer on the left: without shortcuts {}, a dip to {} at layers.{}, a climb to {}; with shortcuts {} to {} "
     "over four layers (up at layers.{}, down at layers.{}), then {}."):
        ("无快捷连接时，梯度越靠近第一层越弱；有快捷连接时，它始终高于 {0}。对数刻度折线图，第一层在左：无快捷连接时从 {1} "
         "开始，在 layers.{3} 处降到 {2}，再升到 {4}；有快捷连接时在四层内从 {5} 到 {6}（在 layers.{7} 处上升，"
         "在 layers.{8} 处下降），最后为 {9}。"),
    "with shortcuts": "有快捷连接",
    "Up to {} layers, shortcuts keep the first layer's share above {}; without them it falls below {}⁻¹⁷":
        "直到 {} 层，快捷连接都让第一层的占比保持在 {} 以上；没有快捷连接时，它降到 {}⁻¹⁷ 以下",
    ("Up to {} layers, shortcuts keep the first layer's share above {}; without them it falls below {}⁻¹⁷. Log-scale "
     "line chart of the ratio against depth: without shortcuts both lines fall steadily, to {}e-{} (GELU) and {}e-{} "
     "(sigmoid); with shortcuts the sigmoid line declines to {}, the GELU line jumps up and down between {} and {}."):
        ("直到 {} 层，快捷连接都让第一层的占比保持在 {} 以上；没有快捷连接时，它降到 {}⁻¹⁷ 以下。比值随深度变化的对数"
         "刻度折线图：无快捷连接时两条线都稳步下降，降到 {}e-{}（GELU）和 {}e-{}（sigmoid）；有快捷连接时 sigmoid "
         "的线降到 {}，GELU 的线在 {} 和 {} 之间上下跳动。"),
    "gelu, shortcuts": "gelu，有快捷连接",
    "sigmoid, shortcuts": "sigmoid，有快捷连接",
    # 04
    "The task: two spirals of {} points each, wound around each other": "任务：两条各有 {} 个点、相互缠绕的螺旋",
    "Deep plain networks stay at the loss of guessing; shortcut networks learn":
        "较深的无快捷连接网络，损失停在随机猜测的水平；有快捷连接的网络能学会该任务",
    ("Deep plain networks stay at the loss of guessing; shortcut networks learn. Loss of the six networks over {} "
     "steps, log scale: the {}- and {}-layer plain networks stay at ln {} (dotted), the others fall below; the "
     "{}-layer shortcut loss jolts up at step {} ({} → {}), the {}-layer one's at step {} ({} → {})."):
        ("较深的无快捷连接网络，损失停在随机猜测的水平；有快捷连接的网络能学会该任务。六个网络在 {} 步中的损失，对数刻度：{} 层和 {} "
         "层的无快捷连接网络停在 ln {}（点线），其余的降到它以下；{} 层有快捷连接网络的损失在第 {} 步陡然上升"
         "（{} → {}），{} 层的则在第 {} 步陡然上升（{} → {}）。"),
    "{} layers, plain": "{} 层，无快捷连接",
    "{} layers, shortcuts": "{} 层，有快捷连接",
    "{} layers: without shortcuts layers {}-{} never get above {}⁻⁶; with shortcuts every layer always gets over {}⁻⁴":
        "{} 层：无快捷连接时，第 {} 至 {} 层从未超过 {}⁻⁶；有快捷连接时，每一层始终高于 {}⁻⁴",
    "read-out": "读出层",
    "Without shortcuts the first-to-last ratio fades with depth; with shortcuts it stays above {} × {}⁻⁴ (grey: no ratio)":
        "无快捷连接时，第一层与最后一层之比随深度衰减；有快捷连接时，它保持在 {} × {}⁻⁴ 以上（灰色：没有比值）",
    ("Without shortcuts the first-to-last ratio fades with depth; with shortcuts it stays above {} × {}⁻⁴ (grey: no "
     "ratio). Heatmaps of the ratio (dark: {}⁻³⁰ or less, bright: {}), depth {} to {} across, the activations down. "
     "Grey cells without shortcuts: ReLU {} (depths {}-{}), sigmoid {} ({}-{}); with shortcuts: ReLU {} ({}-{}), each "
     "GELU {} ({}-{}), sigmoid {} ({}-{})."):
        ("无快捷连接时，第一层与最后一层之比随深度衰减；有快捷连接时，它保持在 {} × {}⁻⁴ 以上（灰色：没有比值）。比值的"
         "热力图（暗：{}⁻³⁰ 或更小，亮：{}），横向为深度 {} 到 {}，纵向为各激活函数。无快捷连接时的灰色格子：ReLU {} 个"
         "（深度 {}～{}），sigmoid {} 个（{}～{}）；有快捷连接时：ReLU {} 个（{}～{}），两种 GELU 各 {} 个（{}～{}），"
         "sigmoid {} 个（{}～{}）。"),
    "tanh network at initialisation: activations narrow from layer {} to layer {}, then hold":
        "初始化时的 tanh 网络：激活值从第 {} 层到第 {} 层逐渐收窄，之后保持不变",
    "tanh network at initialisation: the gradient shrinks at every layer from the top down, {} times from layer {} to layer {}":
        "初始化时的 tanh 网络：梯度自上而下每层都在缩小，从第 {1} 层到第 {2} 层缩小到原来的 1/{0}",
    "tanh network at initialisation: for its size, layer {}'s weight gets the least gradient, the read-out's the most":
        "初始化时的 tanh 网络：相对其大小，第 {} 层的权重得到的梯度最少，读出层的最多",
    # 05
    "With layer norm, no block's gradient vanishes, shortcuts or not": "有了层归一化，无论有无快捷连接，所有块的梯度都不会消失",
    ("Gradient norm of each block's feed-forward output weight, blocks {} to {}, on a log scale, one line per stack: "
     "without shortcuts the lines rise from about {} at block {} to about {} at block {}; with shortcuts they lie "
     "nearly flat, between {} and {}."):
        ("第 {0} 到第 {1} 块中每块前馈网络输出权重的梯度范数，对数刻度，每个堆叠一条线：无快捷连接时，线从第 {3} 块的约 {2} "
         "升到第 {5} 块的约 {4}；有快捷连接时，线几乎是平的，在 {6} 和 {7} 之间。"),
    "Pre-LN, shortcuts": "Pre-LN，有快捷连接",
    "Post-LN, shortcuts": "Post-LN，有快捷连接",
    "Pre-LN, no shortcuts": "Pre-LN，无快捷连接",
    "Post-LN, no shortcuts": "Post-LN，无快捷连接",
    "block (input side on the left)": "块（左侧靠近输入）",
    "gradient norm, feed-forward output weight": "梯度范数，前馈网络输出权重",
    "Without shortcuts, every token comes to point the same way": "无快捷连接时，所有词元最终都指向同一个方向",
    ("Mean cosine similarity between the tokens of a sequence after each of the {} blocks ({}: the embeddings), one "
     "line per stack: without shortcuts it climbs from {} to {} by block {}; with shortcuts it rises slowly, to {} "
     "(Pre-LN) and {} (Post-LN) after block {}."):
        ("一个序列中各词元之间的平均余弦相似度，在 {0} 个块的每一块之后（{1}：嵌入），每个堆叠一条线：无快捷连接时，它到"
         "第 {4} 块时从 {2} 升到 {3}；有快捷连接时，它缓慢上升，在第 {7} 块之后为 {5}（Pre-LN）和 {6}（Post-LN）。"),
    "after block ({}: the embeddings)": "经过的块（{}：嵌入）",
    "mean cosine similarity between tokens": "词元之间的平均余弦相似度",
    "Only the stacks with shortcuts learn to copy": "只有带快捷连接的堆叠学会了复制",
    ("Loss at each of {} training steps, log scale, for the six runs, with a dotted line at ln {} = {} (guessing): the "
     "four runs with shortcuts fall from about {} to below {}; the two without shortcuts end near {}, well below the "
     "line."):
        ("六次训练在 {} 个训练步中每一步的损失，对数刻度，点线位于 ln {} = {}（随机猜测）：四次有快捷连接的训练从约 {} 降到 "
         "{} 以下；两次无快捷连接的训练最终在 {} 附近，远低于点线。"),
    "Pre-LN, shortcuts, no warm-up": "Pre-LN，有快捷连接，无预热",
    "Pre-LN, shortcuts, warm-up": "Pre-LN，有快捷连接，有预热",
    "Post-LN, shortcuts, no warm-up": "Post-LN，有快捷连接，无预热",
    "Post-LN, shortcuts, warm-up": "Post-LN，有快捷连接，有预热",
    "Pre-LN, no shortcuts, no warm-up": "Pre-LN，无快捷连接，无预热",
    "Pre-LN, no shortcuts, warm-up": "Pre-LN，无快捷连接，有预热",
    "training step": "训练步",
    "loss (cross-entropy)": "损失（交叉熵）",
    "ln {} = {}: guessing": "ln {} = {}：随机猜测",
    # 06
    "At {} layers the plain network's slope is jagged; with shortcuts it stays smooth":
        "在 {} 层时，无快捷连接网络的斜率参差不齐；有快捷连接时它保持平滑",
    ("Three panels of the network's slope d output / d x against the input x from -{} to {}: {} layers without "
     "shortcuts, small steps and spikes rising from about {} to about {}; {} layers without shortcuts, a jagged line "
     "that jumps up and down from one input to the next; {} layers with shortcuts, a smooth curve falling from about "
     "{}^{} to about -{}^{}."):
        ("三幅子图，网络的斜率 d 输出 / d x 随输入 x（从 -{} 到 {}）的变化：{} 层无快捷连接时，是一些小台阶和尖峰，"
         "从约 {} 升到约 {}；{} 层无快捷连接时，是一条参差不齐的线，从一个输入到下一个输入上下跳动；{} 层有快捷连接时，"
         "是一条平滑的曲线，从约 {}^{} 降到约 -{}^{}。"),
    "{} layers, without shortcuts": "{} 层，无快捷连接",
    "{} layers, with shortcuts": "{} 层，有快捷连接",
    "Without shortcuts neighbouring slopes decorrelate with depth; with them they do not":
        "无快捷连接时，相邻斜率之间的相关性随深度消失；有快捷连接时则不会",
    ("Line chart of the correlation of neighbouring slopes against depth, {} to {} layers: without shortcuts it falls "
     "from {} to {}; with shortcuts it stays at {} or above."):
        "相邻斜率的相关性随深度（{} 到 {} 层）变化的折线图：无快捷连接时它从 {} 降到 {}；有快捷连接时它保持在 {} 或以上。",
    "layers": "层数",
    "correlation of neighbouring slopes": "相邻斜率的相关性",
    "Most paths go through about {} of the {} blocks; most of the gradient comes through {} to {}":
        "多数路径经过 {1} 个块中的约 {0} 个；多数梯度来自经过 {2} 到 {3} 个块的路径",
    ("Line chart against path length {} to {}: the share of the paths is a bell curve peaking at length {} ({}); the "
     "share of the gradient peaks at length {} ({}) and is almost {} beyond {}."):
        ("随路径长度（{0} 到 {1}）变化的折线图：路径的占比是一条钟形曲线，在长度 {2} 处达到峰值（{3}）；梯度的占比在长度 {4} "
         "处达到峰值（{5}），长度超过 {7} 后几乎为 {6}。"),
    "share of the paths": "路径的占比",
    "share of the gradient": "梯度的占比",
    "path length (blocks a path goes through)": "路径长度（路径经过的块数）",
    "share": "占比",
    "One block deleted: the plain network falls to about guessing, the shortcut network keeps {}-{}":
        "删去一个块：无快捷连接网络降到接近随机猜测，有快捷连接网络的准确率仍保持在 {}～{}",
    ("Line chart of accuracy against the deleted block, {} to {}, with a dotted line at {} (guessing): without "
     "shortcuts the accuracy zigzags around {}; with shortcuts it stays between {} and {}."):
        ("准确率随被删去的块（{} 到 {}）变化的折线图，点线位于 {}（随机猜测）：无快捷连接时准确率在 {} 上下起伏；"
         "有快捷连接时保持在 {} 和 {} 之间。"),
    "block deleted": "被删去的块",
    "accuracy on the spirals": "螺旋数据上的准确率",
    "guessing": "随机猜测",
    "The sum grows {}-fold over {} blocks; {}/√N holds it at {}, Pre-LN lets it reach {}":
        "经过 {1} 个块，累加和增长到原来的 {0} 倍；{2}/√N 将其控制在 {3}，Pre-LN 则让它达到 {4}",
    ("Line chart, logarithmic y axis, of the signal's size against the number of blocks, {} to {}: none rises from {} "
     "to {}; scaled stays between {} and {}; pre_ln rises slowly from {} to {}."):
        ("信号大小随块数（{} 到 {}）变化的折线图，纵轴为对数刻度：none 从 {} 升到 {}；scaled 保持在 {} 和 {} 之间；"
         "pre_ln 从 {} 缓慢升到 {}。"),
    "blocks": "块数",
    "signal size (root mean square)": "信号大小（均方根）",
}
